"""Certificate forms: revoking one (super admin) and looking one up by its printed code (anyone)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from netralitas.certificates.services import CODE_BODY_LENGTH, CODE_PREFIX, parse_code
from netralitas.core.codes import CodeError, normalize
from netralitas.core.forms import AppForm
from netralitas.signing.models import RevocationReason

#: How a revocation reason is shown, to staff and on the public verify page.
REASON_LABELS = {
    RevocationReason.DATA_ERROR: _l("Kesalahan data"),
    RevocationReason.WITHDRAWN: _l("Ditarik"),
    RevocationReason.DISCIPLINARY: _l("Kasus disiplin"),
    RevocationReason.OTHER: _l("Lainnya"),
}


class RevokeForm(AppForm):
    """Why a certificate is revoked; the note stays internal (the public page shows the reason only)."""

    reason = SelectField(_l("Alasan"), choices=[SelectChoice(r.value, label) for r, label in REASON_LABELS.items()],
                         validators=[DataRequired()])
    note = TextAreaField(_l("Catatan"), validators=[DataRequired(_l("Catatan wajib diisi.")), Length(max=500)])


def _printed_code(form, field) -> None:
    """Tell a wrong length apart from a typo that the check symbol caught."""
    try:
        parse_code(field.data)
    except CodeError:
        raw = normalize(field.data)
        if raw.startswith(CODE_PREFIX) and len(raw) == len(CODE_PREFIX) + CODE_BODY_LENGTH + 1:
            raw = raw[len(CODE_PREFIX):]
        if len(raw) != CODE_BODY_LENGTH + 1:
            raise ValidationError(_l("Kode sertifikat terdiri dari NTR dan 9 huruf/angka, "
                                     "misalnya NTR-7K2Q-M9XP-3.")) from None
        raise ValidationError(_l("Kode ini tidak mungkin benar: periksa kembali setiap huruf dan angka "
                                 "(karakter terakhir, huruf atau angka, adalah karakter pemeriksa).")) from None


class CheckCodeForm(AppForm):
    """The code printed under the QR (any case; dashes, spaces and the NTR prefix optional)."""

    code = StringField(_l("Kode sertifikat"),
                       validators=[DataRequired(_l("Ketik kode yang tercetak di bawah kode QR.")), Length(max=40),
                                   _printed_code],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "placeholder": "NTR-7K2Q-M9XP-3"})
