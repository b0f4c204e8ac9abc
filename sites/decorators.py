from functools import wraps

from django.core.exceptions import PermissionDenied

from .permissions import CAPABILITIES


def require_capability(*names):
    """Allow the view only to members holding every named capability (else 403)."""
    unknown = set(names) - set(CAPABILITIES)
    if unknown:
        raise ValueError(f"Unknown capabilities: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.site is None:
                raise PermissionDenied
            if not set(names) <= request.capabilities:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capabilities = frozenset(names)
        return wrapped

    return decorator
