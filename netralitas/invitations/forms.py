"""Forms of the invitation screens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from netralitas.core.forms import AppForm


class ReissueForm(AppForm):
    """The help desk confirms it checked the ID card and says why the old code is replaced."""

    sudah_cek_identitas = BooleanField(
        _l("Saya sudah memeriksa KTP/kartu pegawai"),
        validators=[DataRequired(_l("Centang setelah mencocokkan KTP atau kartu pegawai dengan data di atas."))])
    alasan = StringField(
        _l("Alasan penerbitan ulang"),
        validators=[DataRequired(_l("Alasan wajib diisi.")),
                    Length(min=3, max=200, message=_l("Alasan 3 sampai 200 karakter."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"placeholder": _l("mis. slip hilang, kode tidak terbaca"), "maxlength": 200})
    submit = SubmitField(_l("Terbitkan ulang kode"))
