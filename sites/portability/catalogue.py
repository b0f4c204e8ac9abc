"""What a site owns, found through the app registry (never by importing higher apps).

A model belongs in a site's archive when it has a foreign key called ``site`` to
``sites.Site`` (every ``SiteScoped`` model, memberships, audit events, and the
site's own rows in a collaborative programme), and so do the change-history rows
of those models (django-simple-history's ``Historical…`` models, which copy the
``site`` key). Each foreign key of an archived row travels as one of:

- ``site``: the archived site (written as its slug);
- ``user``: a member of staff, by username (see ``users.jsonl``);
- ``row``: another archived row, by its primary key in the archive;
- ``ref``: a shared record outside the site (a programme, a collaborative
  meeting), by its public id (``code``);
- ``drop``: a row that is never archived (``NOT_ARCHIVED``): written empty.

A model may keep files in a storage (``STORED_FILES``): their bytes travel in the
archive beside the rows, under ``files/<model>/<stored name>``.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models

SITE = "site"
USER = "user"
ROW = "row"
REF = "ref"
DROP = "drop"


@dataclass(frozen=True)
class Link:
    field: models.Field
    kind: str  # SITE, USER, ROW or REF
    target: type  # the related model (the base model for history rows)


@dataclass(frozen=True)
class Entry:
    """One model in the archive: its file, its columns and how its keys travel."""

    model: type
    base: type | None  # for a history model, the model it records
    columns: tuple  # (attname, ...) in file order, primary key first
    links: dict  # attname -> Link

    @property
    def label(self):
        return self.model._meta.label

    @property
    def file(self):
        return f"{self.label}.jsonl"

    @property
    def is_history(self):
        return self.base is not None

    @property
    def stored_file(self):
        """(column, storage alias) when the rows name files kept in a storage."""
        return STORED_FILES.get((self.base or self.model)._meta.label)

    @property
    def public_ids(self):
        """Columns holding a unique public id (a UUID) of the row."""
        return tuple(
            f.attname
            for f in self.model._meta.concrete_fields
            if isinstance(f, models.UUIDField) and f.unique
        )


def _site_model():
    return apps.get_model("sites", "Site")


def _owns_site_key(model):
    field = next((f for f in model._meta.concrete_fields if f.name == "site"), None)
    return (
        field is not None and field.many_to_one and field.related_model is _site_model()
    )


def _history_base(model):
    return getattr(model, "instance_type", None) if _is_history(model) else None


def _is_history(model):
    return hasattr(model, "instance_type") and hasattr(model, "history_id")


# Rows with a site key that are not records: background jobs (their results are
# files that expire) are work in progress, not the site's data.
NOT_ARCHIVED = frozenset({"sites.Job"})
# Columns naming a file kept through Django's storage API: {model: (column, storage)}.
# By label, so ``sites`` imports no higher app.
STORED_FILES = {"assessments.Document": ("storage_name", "documents")}


def _base_models():
    return [
        m
        for m in apps.get_models()
        if _owns_site_key(m) and not _is_history(m) and m is not _site_model()
        if m._meta.label not in NOT_ARCHIVED
    ]


def _order(models_):
    """Models ordered so that each comes after the models its keys need."""
    remaining = list(models_)
    chosen = set(models_)
    ordered = []
    while remaining:
        for model in remaining:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.many_to_one or f.one_to_one
                if f.related_model in chosen and f.related_model is not model
                if not f.null
            }
            if needs <= set(ordered):
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # pragma: no cover - a cycle of required keys
            raise RuntimeError(f"Cannot order {remaining} by their keys")
    return ordered


def _link(field, archived):
    target = field.related_model
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    if target is _site_model():
        return Link(field, SITE, target)
    if target is user_model:
        return Link(field, USER, target)
    if target in archived:
        return Link(field, ROW, target)
    if target._meta.label in NOT_ARCHIVED:
        if not field.null:  # pragma: no cover - caught by the catalogue test
            raise RuntimeError(f"{field} needs a row that is never archived")
        return Link(field, DROP, target)
    if any(f.name == "code" and f.unique for f in target._meta.concrete_fields):
        return Link(field, REF, target)
    raise RuntimeError(  # pragma: no cover - caught by the catalogue test
        f"{field.model._meta.label}.{field.name} refers to {target._meta.label}, "
        "which neither the archive holds nor has a public id"
    )


def _entry(model, archived, base=None):
    links = {}
    for field in model._meta.concrete_fields:
        if field.many_to_one or field.one_to_one:
            links[field.attname] = _link(field, archived)
    for field in model._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:  # pragma: no cover
            raise RuntimeError(
                f"{model._meta.label}.{field.name}: only many-to-many fields with "
                "an explicit (archived) through model can be exported"
            )
    columns = tuple(f.attname for f in model._meta.concrete_fields)
    return Entry(model=model, base=base, columns=columns, links=links)


@cache
def catalogue():
    """Every archived model, in the order a restore writes them: the site's own
    rows first (each after the rows it needs), then the history rows."""
    bases = _order(_base_models())
    archived = set(bases)
    entries = [_entry(m, archived) for m in bases]
    for model in bases:
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        history = getattr(model, attribute, None) if attribute else None
        if history is not None and _owns_site_key(history.model):
            entries.append(_entry(history.model, archived, base=model))
    return tuple(entries)


def entry_for(label):
    return next((e for e in catalogue() if e.label == label), None)
