"""The signer's two forms: who are you, and the declaration itself."""
from __future__ import annotations

import base64
import binascii

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from netralitas.core.forms import AppForm
from netralitas.signing.services import parse_birth_date

DATA_URL_PREFIX = "data:image/png;base64,"


def png_from_data_url(data: str | None) -> bytes:
    """The PNG bytes of a signature pad's data URL; b'' when missing or not a base64 PNG data URL."""
    data = data or ""
    if not data.startswith(DATA_URL_PREFIX):
        return b""
    try:
        return base64.b64decode(data[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        return b""


class AccessForm(AppForm):
    """Invitation code, birth date and (at the venue) the attendance code from the big screen."""

    code = StringField(_l("Kode undangan"), validators=[DataRequired(_l("Masukkan kode undangan Anda.")), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "placeholder": "ABCDE-FGHJK-MNP"})
    birth_date = StringField(_l("Tanggal lahir"), validators=[DataRequired(_l("Masukkan tanggal lahir Anda.")),
                                                               Length(max=40)],
                             render_kw={"inputmode": "numeric", "autocomplete": "bday", "placeholder": "DD-MM-YYYY"})
    attendance = StringField(_l("Kode kehadiran di layar"), validators=[Length(max=10)],
                             render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": "1234"})
    submit = SubmitField(_l("Lanjut"))

    def validate_birth_date(self, field) -> None:
        """A date no notation can read is a typing problem, told at once (and never counted as a failed attempt)."""
        if field.data and parse_birth_date(field.data) is None:
            raise ValidationError(_l("Format tanggal lahir tidak dikenali. Contoh: 24-02-1976"))


class DeclarationForm(AppForm):
    """Ticked points arrive as `point` values; the drawn signature as a PNG data URL."""

    # No DataRequired: an empty name is reported by the service together with every other problem of the page.
    typed_name = StringField(_l("Ketik nama lengkap Anda"), validators=[Length(max=200)],
                             render_kw={"autocomplete": "name"})
    signature = HiddenField(validators=[Length(max=400_000, message=_l(
        "Gambar tanda tangan terlalu besar. Ulangi tanda tangan lalu kirim lagi."))])
    submit = SubmitField(_l("Tanda tangani deklarasi"))

    def signature_png(self) -> bytes:
        """The PNG bytes of the drawn signature; b'' when missing or not a base64 PNG data URL."""
        return png_from_data_url(self.signature.data)
