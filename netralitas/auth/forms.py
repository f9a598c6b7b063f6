"""Forms for signing in and managing staff accounts."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from netralitas.auth.models import Role
from netralitas.core.forms import AppForm

MIN_PASSWORD_LENGTH = 10
PASSWORD_LENGTH_MESSAGE = _l("Minimal %(n)d karakter.", n=MIN_PASSWORD_LENGTH)

ROLE_LABELS = {
    Role.SUPER_ADMIN: _l("Super admin"),
    Role.OPERATOR: _l("Operator acara"),
    Role.AGENCY_ADMIN: _l("Admin perangkat daerah"),
    Role.VIEWER: _l("Pemantau (hanya baca)"),
    Role.LIAISON: _l("Penghubung Bawaslu/BKN (hanya kasus yang dirujuknya)"),
}


class LoginForm(AppForm):
    """Staff sign-in."""

    email = EmailField(_l("Email"), validators=[DataRequired(_l("Email wajib diisi.")), Length(max=200)])
    password = PasswordField(_l("Kata sandi"), validators=[
        DataRequired(_l("Kata sandi wajib diisi.")), Length(max=200)])
    submit = SubmitField(_l("Masuk"))


class ChangePasswordForm(AppForm):
    """Change one's own password; the old one is required."""

    old_password = PasswordField(_l("Kata sandi lama"), validators=[DataRequired(_l("Wajib diisi."))])
    new_password = PasswordField(
        _l("Kata sandi baru"),
        validators=[DataRequired(_l("Wajib diisi.")),
                    Length(min=MIN_PASSWORD_LENGTH, max=200, message=PASSWORD_LENGTH_MESSAGE)],
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[EqualTo("new_password", message=_l("Kedua kata sandi tidak sama."))],
    )
    submit = SubmitField(_l("Simpan kata sandi"))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StaffForm(AppForm):
    """Create or edit a staff account (super admin only)."""

    email = EmailField(_l("Email"), filters=[_strip], validators=[
        DataRequired(_l("Email wajib diisi.")), Email(_l("Format email tidak valid.")), Length(max=200)])
    name = StringField(_l("Nama"), validators=[DataRequired(_l("Nama wajib diisi.")), Length(max=200)])
    role = SelectField(_l("Peran"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    agency_id = SelectField(_l("Perangkat daerah (lingkup)"), coerce=int, validators=[Optional()])
    password = PasswordField(
        _l("Kata sandi"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200, message=PASSWORD_LENGTH_MESSAGE)],
    )
    is_active = BooleanField(_l("Akun aktif"), default=True)
    is_case_officer = BooleanField(_l("Petugas kasus netralitas"))
    submit = SubmitField(_l("Simpan"))

    def validate_agency_id(self, field) -> None:
        if self.role.data == Role.AGENCY_ADMIN.value and not field.data:
            raise ValidationError(_l("Admin perangkat daerah harus punya lingkup perangkat daerah."))
