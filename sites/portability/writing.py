"""Writing a verified archive's rows: keys remapped, public ids renewed, stored
files copied (used by ``restore.restore_site`` inside its transaction)."""

import json
import re
import uuid
from contextlib import contextmanager

from django.core.files.storage import storages
from django.db import models

from .archive import ArchiveRefused
from .catalogue import DROP, REF, SITE, USER, catalogue

BATCH = 1000
UUID_RE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


@contextmanager
def keep_timestamps():
    """Let the archive's created/updated times through (``auto_now`` would stamp
    the moment of the restore)."""
    changed = []
    for entry in catalogue():
        for f in entry.model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Rewriter:
    """Public ids renewed (``uuid5`` of one namespace), and the site's address in
    links changed, consistently wherever they appear."""

    def __init__(self, plan, old_slug):
        self.namespace = uuid.uuid4() if plan.renew_ids else None
        self.keep = {code.lower() for codes in plan.refs.values() for code in codes}
        self.old_path = f"/s/{old_slug}/"
        self.new_path = f"/s/{plan.slug}/"
        self.moves = self.old_path != self.new_path
        self.active = bool(self.namespace) or self.moves

    def code(self, value):
        text = str(value).lower()
        if self.namespace is None or text in self.keep:
            return value
        return str(uuid.uuid5(self.namespace, text))

    def text(self, value):
        if self.moves:
            value = value.replace(self.old_path, self.new_path)
        if self.namespace is not None:
            value = UUID_RE.sub(lambda m: self.code(m.group()), value)
        return value

    def json(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value


def rows(archive, name):
    with archive.open(name) as stream:
        for line in stream:
            yield json.loads(line)


def users_by_name(archive, user_model):
    """{username: pk}: existing accounts by username; missing ones created inactive
    with no usable password (an administrator activates them and sets one)."""
    accounts = list(rows(archive, "users.jsonl"))
    existing = dict(
        user_model._base_manager.filter(
            username__in=[r["username"] for r in accounts]
        ).values_list("username", "pk")
    )
    created = []
    for row in accounts:
        if row["username"] in existing:
            continue
        user = user_model(
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=row["email"],
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        existing[user.username] = user.pk
        created.append(user.username)
    return existing, created


class Writer:
    def __init__(self, site, users, plan, rewrite, archive, saved):
        self.archive = archive
        self.saved = saved
        self.files = plan.files
        self.stored_names = {}  # archived stored name -> new one
        self.site = site
        self.users = users
        self.refs = plan.refs
        self.rewrite = rewrite
        self.keys = {}  # model -> {archived pk: new pk}
        self.forward = []  # (model, archived pk, attname, target, archived key)

    def write(self, entry, rows):
        model = entry.model
        self.keys.setdefault(model, {})
        fields = [
            (f, entry.links.get(f.attname))
            for attname in entry.columns
            for f in [
                next(x for x in model._meta.concrete_fields if x.attname == attname)
            ]
        ]
        batch, olds = [], []
        for row in rows:
            values = {}
            for f, link in fields:
                values[f.attname] = self._value(entry, f, link, row[f.name], olds)
            batch.append(model(**values))
            if len(batch) >= BATCH:
                self._flush(entry, batch, olds)
                batch, olds = [], []
        self._flush(entry, batch, olds)

    def _value(self, entry, f, link, value, olds):
        if f.primary_key:
            olds.append(value)
            return None
        if value is None:
            return None
        if link is not None:
            if link.kind == SITE:
                return self.site.pk
            if link.kind == USER:
                return self.users[value]
            if link.kind == REF:
                return self.refs.get(link.target, {}).get(value)
            if link.kind == DROP:
                return None
            return self._row_key(entry, f, link, value, olds)
        if entry.is_history and f.attname == entry.base._meta.pk.attname:
            return self.keys[entry.base].get(value, -value)
        if entry.stored_file and f.attname == entry.stored_file[0]:
            return self._stored(entry, value)
        value = f.to_python(value) if not isinstance(f, models.JSONField) else value
        if not self.rewrite.active:
            return value
        if isinstance(f, models.UUIDField):
            return uuid.UUID(str(self.rewrite.code(value)))
        if isinstance(value, str):
            return self.rewrite.text(value)
        if isinstance(f, models.JSONField):
            return self.rewrite.json(value)
        return value

    def _stored(self, entry, name):
        """A stored file's new name: its bytes copied from the archive into the
        storage (under the restored site), or a fresh name for a file already gone."""
        if name in self.stored_names:
            return self.stored_names[name]
        alias = entry.stored_file[1]
        new_name = f"{self.site.pk}/{uuid.uuid4().hex}"
        member = self.files.get(entry.label, {}).get(name)
        if member is not None and not entry.is_history:
            with self.archive.open(member) as content:
                new_name = storages[alias].save(new_name, content)
            self.saved.append((alias, new_name))
        self.stored_names[name] = new_name
        return new_name

    def _row_key(self, entry, f, link, value, olds):
        keys = self.keys.get(link.target)
        if entry.is_history:
            # History may name rows deleted before the export: kept negative, so
            # they can never point at another record.
            return keys.get(value, -value) if keys is not None else -value
        if keys is not None and value in keys:
            return keys[value]
        if link.target is entry.model or keys is None:
            # A key to a row written later (or to the same table): set afterwards.
            self.forward.append((entry.model, olds[-1], f.attname, link.target, value))
            return None
        raise ArchiveRefused(
            f"A {entry.model._meta.verbose_name} refers to a record the archive does "
            "not hold."
        )

    def _flush(self, entry, batch, olds):
        if not batch:
            return
        entry.model._base_manager.bulk_create(batch)
        keys = self.keys[entry.model]
        for old, obj in zip(olds, batch, strict=True):
            keys[old] = obj.pk

    def fix_forward_links(self):
        for model, old_pk, attname, target, value in self.forward:
            new_pk = self.keys[model][old_pk]
            target_pk = self.keys.get(target, {}).get(value)
            if target_pk is None:
                raise ArchiveRefused(
                    f"A {model._meta.verbose_name} refers to a record the archive "
                    "does not hold."
                )
            model._base_manager.filter(pk=new_pk).update(**{attname: target_pk})
        self.forward = []
