"""Role checks for views; data scope is enforced separately in queries (masterdata.scope)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from netralitas.auth.models import Role

#: Every role of the declaration side; a liaison is not one of them (cases they referred only).
ALL_STAFF = (Role.SUPER_ADMIN, Role.OPERATOR, Role.AGENCY_ADMIN, Role.VIEWER)
#: Who may open the case list and the cases they are members of: all staff, and liaisons (read only).
CASE_READERS = (*ALL_STAFF, Role.LIAISON)
MANAGERS = (Role.SUPER_ADMIN, Role.AGENCY_ADMIN)
#: Who runs events: settings, text, open/close, the venue board and the help desk.
RUNNERS = (Role.SUPER_ADMIN, Role.OPERATOR)
#: Who may export personal data (codes, certificates): agency admins for their subtree, runners for all.
#: Viewers are read-only and get no personal-data exports.
EXPORTERS = (Role.SUPER_ADMIN, Role.OPERATOR, Role.AGENCY_ADMIN)


def roles_required(*roles: Role) -> Callable:
    """Require a signed-in staff member holding one of the roles; 403 otherwise."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the route-permission test
        return wrapped

    return decorator
