"""Route guards. Every view carries one, and a test walks the URL map to check it."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.models.enums import Role

# Who works with the business records; the security admin and the auditor see none of them.
BUSINESS_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.PARK_ADMIN})


def roles_required(*roles: Role):
    """Log-in required, and one of the roles given (by default the business roles); 403 otherwise.

    The allowed roles are kept on the view as ``allowed_roles`` for the permission test.
    """
    allowed = frozenset(roles) or BUSINESS_ROLES

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed
        return guarded

    return decorator


any_role = roles_required(*Role)  # a user's own account: its password, second factor, logout


def public(view):
    """Marks a view that needs no login (the login page itself)."""
    view.allowed_roles = None
    return view
