from django.core.exceptions import ValidationError
from django.http import Http404


def get_for_site(queryset, site, **lookup):
    """Fetch one record through the current site, or 404.

    The one lookup for every public id that arrives from outside: a URL, a query
    string or a posted form. ``queryset`` is a model or a queryset of a ``SiteScoped``
    model. The explicit site filter backs up the django-scopes scope: either alone
    would keep other sites out. An id that is not even well formed (``?other=x`` where
    a UUID belongs) is "no such record" too: a 404, never a 500.
    """
    manager = getattr(queryset, "objects", None)
    queryset = manager.all() if manager is not None else queryset
    try:
        return queryset.filter(site=site).get(**lookup)
    except (
        queryset.model.DoesNotExist,
        ValidationError,  # a malformed UUID, as the model field reports it
        ValueError,
        TypeError,
    ) as exc:
        raise Http404("No such record.") from exc


def lock_row(record):
    """``record`` read again from its row, locked (``select_for_update``) until the
    caller's transaction ends: what a service checks and changes, never the caller's
    possibly out-of-date copy."""
    return type(record)._default_manager.select_for_update().get(pk=record.pk)
