"""Staff authentication and account management."""
from __future__ import annotations

import sqlalchemy as sa

from netralitas.audit.services import record
from netralitas.auth.models import Role, Staff, spend_password_check
from netralitas.core.messages import lazy_message as _l
from netralitas.db import utcnow
from netralitas.extensions import db


class StaffError(ValueError):
    """A staff change that breaks a rule; the message is shown to the admin."""


def find_staff_by_email(email: str) -> Staff | None:
    """Case-insensitive lookup by email."""
    return db.session.scalar(sa.select(Staff).where(Staff.email == normalize_email(email)))


def normalize_email(email: str) -> str:
    """Emails are stored trimmed and lower-cased."""
    return (email or "").strip().lower()


def authenticate(email: str, password: str) -> Staff | None:
    """The active staff member with these credentials, else None.

    Every failure costs one password-hash check, so response time does not reveal whether an
    email has an account or whether that account is inactive.
    """
    staff = find_staff_by_email(email)
    if staff is None:
        spend_password_check(password)
        return None
    if not staff.check_password(password) or not staff.is_active_account:
        return None
    staff.last_login_dt = utcnow()
    record(staff, "auth.login", "staff", staff.id, f"{staff.email} masuk")
    return staff


#: Built once: the login check runs on every staff request (the board polls it), and a prebuilt statement
#: costs ~2/3 of the CPU of session.get() there.
_STAFF_BY_ID = sa.select(Staff).where(Staff.id == sa.bindparam("staff_id"))


def load_staff(session_id: str) -> Staff | None:
    """Resolve the login cookie value "id:nonce"; a stale nonce (password changed, logout-all) fails."""
    staff_id, _, nonce = (session_id or "").partition(":")
    if not staff_id.isdigit():
        return None
    staff = db.session.execute(_STAFF_BY_ID, {"staff_id": int(staff_id)}).scalar_one_or_none()
    if staff is None or not nonce or staff.session_nonce != nonce:
        return None
    return staff


def create_staff(actor: Staff | str | None, *, email: str, name: str, role: Role, password: str,
                 agency_id: int | None = None, is_active: bool = True, is_case_officer: bool = False) -> Staff:
    """Create a staff account; emails are unique."""
    email = normalize_email(email)
    if find_staff_by_email(email) is not None:
        raise StaffError(_l("Email %(email)s sudah dipakai akun lain.", email=email))
    _check_scope(role, agency_id)
    agency_id = _scope_of(role, agency_id)
    staff = Staff(email=email, name=name.strip(), role=role, agency_id=agency_id, is_active_account=is_active,
                  is_case_officer=is_case_officer)
    staff.set_password(password)
    db.session.add(staff)
    db.session.flush()
    record(actor, "staff.create", "staff", staff.id, f"Akun {email} dibuat ({role.value})",
           {"email": email, "role": role.value, "agency_id": agency_id, "is_case_officer": is_case_officer})
    return staff


def update_staff(actor: Staff, staff: Staff, *, email: str, name: str, role: Role,
                 agency_id: int | None, is_active: bool, password: str | None = None,
                 is_case_officer: bool | None = None) -> Staff:
    """Change an account; deactivating or changing the password ends its sessions."""
    email = normalize_email(email)
    other = find_staff_by_email(email)
    if other is not None and other.id != staff.id:
        raise StaffError(_l("Email %(email)s sudah dipakai akun lain.", email=email))
    if staff.id == actor.id and (not is_active or role != Role.SUPER_ADMIN):
        raise StaffError(_l("Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."))
    _check_scope(role, agency_id)
    before = {"email": staff.email, "role": staff.role.value, "agency_id": staff.agency_id,
              "is_active": staff.is_active_account, "is_case_officer": staff.is_case_officer}
    staff.email, staff.name, staff.role = email, name.strip(), role
    staff.agency_id = _scope_of(role, agency_id)
    if staff.is_active_account and not is_active:
        staff.end_sessions()
    staff.is_active_account = is_active
    if is_case_officer is not None:
        staff.is_case_officer = is_case_officer
    if password:
        staff.set_password(password)
    after = {"email": staff.email, "role": staff.role.value, "agency_id": staff.agency_id,
             "is_active": staff.is_active_account, "is_case_officer": staff.is_case_officer,
             "password_changed": bool(password)}
    record(actor, "staff.update", "staff", staff.id, f"Akun {email} diubah", {"before": before, "after": after})
    return staff


def change_own_password(staff: Staff, old_password: str, new_password: str) -> None:
    """Replace the password after checking the old one; other sessions end."""
    if not staff.check_password(old_password):
        raise StaffError(_l("Kata sandi lama salah."))
    staff.set_password(new_password)
    record(staff, "staff.password", "staff", staff.id, f"{staff.email} mengganti kata sandi")


def _check_scope(role: Role, agency_id: int | None) -> None:
    if role == Role.AGENCY_ADMIN and agency_id is None:
        raise StaffError(_l("Admin perangkat daerah harus punya lingkup perangkat daerah."))


def _scope_of(role: Role, agency_id: int | None) -> int | None:
    """Only agency admins and viewers are scoped; other roles keep no agency (it would not be enforced)."""
    return agency_id if role in (Role.AGENCY_ADMIN, Role.VIEWER) else None
