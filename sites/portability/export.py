"""Export one site to a versioned ZIP archive, row by row (never the site in memory).

``export_site(site, path)`` writes one JSON-lines file per archived model
(``catalogue``), ``site.json``, ``users.jsonl`` and ``manifest.json`` with each
file's model, fields, line count and SHA-256. The format is in
docs/export-format.md.
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import FORMAT_NAME, FORMAT_VERSION
from .archive import CountingWriter, carehub_version, encode_line
from .catalogue import DROP, REF, ROW, SITE, USER, catalogue

CHUNK = 2000
SITE_FIELDS = (
    "name",
    "slug",
    "kind",
    "is_active",
    "require_two_factor",
    "duty_phone",
    "contact_email",
    "postal_address",
    "created_at",
)
# Users travel by username, without passwords, two-factor devices or staff flags.
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active")


@dataclass
class ExportSummary:
    path: str
    files: int
    rows: int


class _Keys:
    """Turns stored keys into what the archive writes: usernames, public ids."""

    def __init__(self):
        self.usernames = {}
        self.users_seen = set()
        self.refs = {}

    def username(self, pk):
        if pk is None:
            return None
        if pk not in self.usernames:
            user_model = apps.get_model(settings.AUTH_USER_MODEL)
            # Users are few beside the records: read them all once.
            self.usernames.update(
                user_model._base_manager.values_list("pk", "username")
            )
        self.users_seen.add(pk)
        return self.usernames[pk]

    def ref(self, model, pk):
        if pk is None:
            return None
        table = self.refs.get(model)
        if table is None or pk not in table:
            table = self.refs[model] = {
                key: str(code)
                for key, code in model._base_manager.values_list("pk", "code")
            }
        return table[pk]


def _rows(entry, site, keys):
    fields = [entry.model._meta.get_field(c) for c in _names(entry)]
    queryset = (
        entry.model._base_manager.filter(site=site)
        .order_by("pk")
        .values_list(*entry.columns)
    )
    for values in queryset.iterator(chunk_size=CHUNK):
        row = {}
        for field, attname, value in zip(fields, entry.columns, values, strict=True):
            link = entry.links.get(attname)
            if link is None or link.kind == ROW:
                pass
            elif link.kind == SITE:
                value = site.slug if value is not None else None
            elif link.kind == USER:
                value = keys.username(value)
            elif link.kind == REF:
                value = keys.ref(link.target, value)
            elif link.kind == DROP:
                value = None
            row[field.name] = value
        yield row


def _names(entry):
    return [
        f.name
        for attname in entry.columns
        for f in entry.model._meta.concrete_fields
        if f.attname == attname
    ]


def migrations_applied():
    """{app label: latest migration applied}, for the manifest (informative)."""
    latest = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def export_site(site, path, *, progress=None) -> ExportSummary:
    """Write ``site`` to the ZIP archive at ``path`` (a path or a seekable binary
    file); ``progress(done, total, what)`` is called before each file (``total`` is
    the number of files, ``what`` their records in plain words)."""
    entries = catalogue()
    keys = _Keys()
    described = []
    total = len(entries) + 3
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
    ) as archive:
        with archive.open("site.json", "w") as stream:
            writer = CountingWriter(stream)
            writer.write_row({name: getattr(site, name) for name in SITE_FIELDS})
        described.append(
            _describe("site.json", "sites.Site", None, SITE_FIELDS, writer)
        )
        for done, entry in enumerate(entries, start=1):
            if progress:
                progress(done, total, _in_words(entry))
            stored = entry.stored_file if not entry.is_history else None
            names = []
            with archive.open(entry.file, "w", force_zip64=True) as stream:
                writer = CountingWriter(stream)
                for row in _rows(entry, site, keys):
                    writer.write_row(row)
                    if stored and row[stored[0]]:
                        names.append(row[stored[0]])
            described.append(
                _describe(
                    entry.file,
                    entry.label,
                    entry.base._meta.label if entry.base else None,
                    _names(entry),
                    writer,
                )
            )
            if stored:
                described += _write_files(archive, entry, stored[1], names)
        user_model = apps.get_model(settings.AUTH_USER_MODEL)
        with archive.open("users.jsonl", "w") as stream:
            writer = CountingWriter(stream)
            users = (
                user_model._base_manager.filter(pk__in=keys.users_seen)
                .order_by("username")
                .values(*USER_FIELDS)
            )
            for user in users.iterator(chunk_size=CHUNK):
                writer.write_row(user)
        described.append(
            _describe("users.jsonl", user_model._meta.label, None, USER_FIELDS, writer)
        )
        manifest = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "carehub_version": carehub_version(),
            "created_at": timezone.now(),
            "site": {"slug": site.slug, "name": site.name},
            "migrations": migrations_applied(),
            "files": described,
        }
        archive.writestr("manifest.json", encode_line(manifest))
        if progress:
            progress(total, total, "the manifest")
    return ExportSummary(
        path=str(path),
        files=len(described),
        # Records (and history rows) of the site; site.json and users.jsonl aside.
        rows=sum(item.get("count", 0) for item in described[1:-1]),
    )


def blob_member(entry, name):
    return f"files/{entry.label}/{name}"


def _write_files(archive, entry, alias, names):
    """Copy each stored file into the archive (in chunks); a file already gone
    from the storage (a deleted document's) is left out."""
    storage = storages[alias]
    described = []
    for name in names:
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            continue
        member = blob_member(entry, name)
        digest = hashlib.sha256()
        size = 0
        with source, archive.open(member, "w", force_zip64=True) as target:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                target.write(chunk)
                size += len(chunk)
        described.append(
            {
                "file": member,
                "file_of": entry.label,
                "name": name,
                "size": size,
                "sha256": digest.hexdigest(),
            }
        )
    return described


def _in_words(entry):
    model = entry.base or entry.model
    words = str(model._meta.verbose_name_plural)
    return f"the history of {words}" if entry.base else words


def _describe(file, model, history_of, fields, writer):
    return {
        "file": file,
        "model": model,
        "history_of": history_of,
        "fields": list(fields),
        "count": writer.count,
        "sha256": writer.sha256.hexdigest(),
    }
