from functools import wraps

from django.core.exceptions import PermissionDenied

from .permissions import Guard, rule


def require_rule(name, *, write=None):
    """Allow the view only to members the named rule allows (else 403).

    ``write`` names a second rule, marked ``write``, that requests changing things
    (POST and other unsafe methods) need as well: ``@require_rule(
    "see_delegated_limits", write="set_delegated_limits")`` shows the limits to those
    who sign off and lets only those who set limits post a new one. The guard is
    recorded on the view (``view.permission_guard``) for the generated permission
    matrix and the pages table in docs/permissions.md.
    """
    guard = Guard(rule=rule(name), write=rule(write) if write else None)
    if guard.write is not None and not guard.write.write:
        raise ValueError(f"{write!r} is not a rule for changing records")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # A site page needs its site, a programme page its programme (both set
            # by SiteScopeMiddleware, which answers 404 to non-members first).
            if request.site is None and getattr(request, "programme", None) is None:
                raise PermissionDenied
            if not guard.allows(request.method, request.capabilities):
                # The refusing rule's name, for the 403 page to say what it needs.
                refused = next(
                    r
                    for r in guard.rules_for(request.method)
                    if not r.allows(request.capabilities)
                )
                raise PermissionDenied(refused.name)
            return view(request, *args, **kwargs)

        wrapped.permission_guard = guard
        return wrapped

    return decorator
