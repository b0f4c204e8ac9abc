"""Restore a site from an archive: verify everything first, then write in one
transaction.

``verify(path, slug=...)`` reads the whole archive without writing: the format and
its version, that the files are exactly those the manifest lists, each file's line
count and SHA-256, that every model and field matches this instance's, that the
site's address is free and that every shared record it refers to (a programme)
exists here. Any fault raises ``ArchiveRefused`` with a message for people.
``restore_site(path, ...)`` verifies, then writes every row inside one
``transaction.atomic()``: nothing is written unless everything is.

Keys: every primary key is given anew (the archive's keys are mapped to the new
ones, so a site can be restored beside its original). Public ids (UUIDs) are kept,
unless one of them is already used in this database (a restore beside the
original): then every UUID in the archive is replaced by ``uuid5(N, old)`` for one
random namespace ``N`` per restore, the same wherever it appears (records, history,
audit events, links and JSON details), except those of shared records.
"""

import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction

from . import FORMAT_NAME, FORMAT_VERSION
from .archive import ArchiveRefused
from .catalogue import REF, STORED_FILES, catalogue
from .export import SITE_FIELDS, USER_FIELDS, _names, blob_member
from .writing import Rewriter, Writer, keep_timestamps, rows, users_by_name

__all__ = ["ArchiveRefused", "restore_site", "verify"]

BATCH = 1000


@dataclass
class Plan:
    """What verification found, and how the restore will write."""

    path: str
    manifest: dict
    site_row: dict
    slug: str
    name: str
    renew_ids: bool
    refs: dict = field(default_factory=dict)  # target model -> {code: pk}
    rows: int = 0
    files: dict = field(default_factory=dict)  # model label -> {stored name: member}


@dataclass
class RestoreSummary:
    site: object
    rows: int
    users_created: list
    renew_ids: bool
    namespace: uuid.UUID | None
    manifest: dict = field(default_factory=dict)


def _open(path):
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveRefused(
            "This file is not a CareHub site archive (it is not a readable ZIP file)."
        ) from error


def _manifest(archive):
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError as error:
        raise ArchiveRefused("The archive has no manifest.json.") from error
    except (ValueError, zipfile.BadZipFile) as error:
        raise ArchiveRefused("The archive's manifest.json cannot be read.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ArchiveRefused("This is not a CareHub site archive.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveRefused(
            f"The archive is in format version {manifest.get('format_version')!r}; "
            f"this CareHub reads version {FORMAT_VERSION}."
        )
    return manifest


def _expected_files():
    """{file: (model label, [field names])} this instance would write."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    expected = {
        "site.json": ("sites.Site", list(SITE_FIELDS)),
        "users.jsonl": (user_model._meta.label, list(USER_FIELDS)),
    }
    for entry in catalogue():
        expected[entry.file] = (entry.label, _names(entry))
    return expected


def _check_files(archive, manifest):
    files = manifest.get("files")
    if not isinstance(files, list):
        raise ArchiveRefused("The archive's manifest lists no files.")
    files = [item for item in files if isinstance(item, dict)]
    blobs = [item for item in files if "file_of" in item]
    listed = {item.get("file"): item for item in files}
    present = set(archive.namelist()) - {"manifest.json"}
    if missing := sorted(set(listed) - present):
        raise ArchiveRefused(
            f"The archive is incomplete: {', '.join(missing[:5])} "
            "listed in the manifest is missing."
        )
    if extra := sorted(present - set(listed)):
        raise ArchiveRefused(
            f"The archive holds {', '.join(extra[:5])}, which the manifest does not "
            "list."
        )
    expected = _expected_files()
    for name, (label, names) in expected.items():
        item = listed.get(name)
        if item is None or item.get("model") != label:
            raise ArchiveRefused(
                f"The archive does not match this version of CareHub: it has no "
                f"{label} records. Restore it with the CareHub version that made it "
                f"({manifest.get('carehub_version')})."
            )
        if item.get("fields") != names:
            raise ArchiveRefused(
                f"The archive does not match this version of CareHub: the fields of "
                f"{label} differ. Restore it with the CareHub version that made it "
                f"({manifest.get('carehub_version')})."
            )
    for item in blobs:
        entry = next((e for e in catalogue() if e.label == item["file_of"]), None)
        if (
            entry is None
            or item["file_of"] not in STORED_FILES
            or item["file"] != blob_member(entry, item.get("name"))
        ):
            raise ArchiveRefused(
                f"The archive holds {item['file']}, which is not a file this version "
                "of CareHub keeps."
            )
    blob_names = {item["file"] for item in blobs}
    if unknown := sorted(set(listed) - set(expected) - blob_names):
        raise ArchiveRefused(
            "The archive does not match this version of CareHub: it holds "
            f"{', '.join(unknown[:5])}, which this version does not have."
        )
    return listed


def _check_blob(archive, item):
    digest = hashlib.sha256()
    size = 0
    try:
        with archive.open(item["file"]) as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ArchiveRefused(
            f"{item['file']} cannot be read: the archive is damaged or truncated."
        ) from error
    if size != item.get("size") or digest.hexdigest() != item.get("sha256"):
        raise ArchiveRefused(
            f"{item['file']} does not match its size and SHA-256 checksum in the "
            "manifest: it was changed after export."
        )


def _lines(archive, name):
    with archive.open(name) as stream:
        yield from stream


def _read_checked(archive, item, on_row):
    """Count, hash and parse one file, calling ``on_row(row)`` for each line."""
    name = item["file"]
    digest = hashlib.sha256()
    count = 0
    names = set(item["fields"])
    try:
        for line in _lines(archive, name):
            digest.update(line)
            count += 1
            try:
                row = json.loads(line)
            except ValueError as error:
                raise ArchiveRefused(
                    f"{name}, line {count}, is not valid JSON: the archive is damaged."
                ) from error
            if not isinstance(row, dict) or set(row) != names:
                raise ArchiveRefused(
                    f"{name}, line {count}, does not have the manifest's fields."
                )
            on_row(row)
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ArchiveRefused(
            f"{name} cannot be read: the archive is damaged or truncated."
        ) from error
    if count != item.get("count"):
        raise ArchiveRefused(
            f"{name} holds {count} rows where the manifest says {item.get('count')}: "
            "the archive is incomplete or was changed after export."
        )
    if digest.hexdigest() != item.get("sha256"):
        raise ArchiveRefused(
            f"{name} does not match its SHA-256 checksum in the manifest: it was "
            "changed after export."
        )


def verify(path, *, slug=None, name=None) -> Plan:
    """Check the whole archive and the database it would go into; write nothing."""
    site_model = apps.get_model("sites", "Site")
    with _open(path) as archive:
        manifest = _manifest(archive)
        listed = _check_files(archive, manifest)
        site_rows = []
        _read_checked(archive, listed["site.json"], site_rows.append)
        if len(site_rows) != 1:
            raise ArchiveRefused("site.json must describe exactly one site.")
        site_row = site_rows[0]
        slug = slug or site_row["slug"]
        slug_field = site_model._meta.get_field("slug")
        try:
            slug_field.run_validators(slug)
        except Exception as error:
            raise ArchiveRefused(
                "The new site's short name may hold only letters, numbers, hyphens "
                "and underscores."
            ) from error
        if site_model._base_manager.filter(slug=slug).exists():
            raise ArchiveRefused(
                f"A site called {slug!r} already exists here. Restore under a new "
                "short name (import_site ARCHIVE --as NEW_SLUG, or the short name "
                "on the admin's restore page)."
            )
        name = name or site_row["name"]
        if site_model._base_manager.filter(name=name).exists():
            name = f"{name} (restored as {slug})"
            if site_model._base_manager.filter(name=name).exists():
                raise ArchiveRefused(f"A site named {name!r} already exists here.")

        plan = Plan(
            path=str(path),
            manifest=manifest,
            site_row=site_row,
            slug=slug,
            name=name,
            renew_ids=False,
        )
        _read_checked(archive, listed["users.jsonl"], lambda row: None)
        wanted = {}  # target model -> {code: required}
        for entry in catalogue():
            item = listed[entry.file]
            check = _RowCheck(entry, wanted, plan)
            _read_checked(archive, item, check)
            check.flush()
            plan.rows += item["count"]
        for item in listed.values():
            if "file_of" in item:
                _check_blob(archive, item)
                plan.files.setdefault(item["file_of"], {})[item["name"]] = item["file"]
        _resolve_refs(plan, wanted)
    return plan


class _RowCheck:
    """Per row during verification: the shared records it names, and whether any
    public id is already used here (checked a batch at a time)."""

    def __init__(self, entry, wanted, plan):
        self.entry = entry
        self.wanted = wanted
        self.plan = plan
        self.refs = [
            (f.name, link.target, f.null)
            for attname, link in entry.links.items()
            if link.kind == REF
            for f in [link.field]
        ]
        self.ids = [
            entry.model._meta.get_field(attname).name
            for attname in (() if entry.is_history else entry.public_ids)
        ]
        self.pending = []

    def __call__(self, row):
        for name, target, nullable in self.refs:
            if row[name] is not None:
                codes = self.wanted.setdefault(target, {})
                codes[row[name]] = codes.get(row[name], False) or not nullable
        if self.ids and not self.plan.renew_ids:
            self.pending.append(row)
            if len(self.pending) >= BATCH:
                self.flush()

    def flush(self):
        if not self.pending or self.plan.renew_ids:
            self.pending = []
            return
        manager = self.entry.model._base_manager
        for name in self.ids:
            values = [row[name] for row in self.pending if row[name]]
            if values and manager.filter(**{f"{name}__in": values}).exists():
                self.plan.renew_ids = True
                break
        self.pending = []


def _resolve_refs(plan, wanted):
    for target, codes in wanted.items():
        found = {
            str(code): pk
            for pk, code in target._base_manager.filter(code__in=list(codes))
            .values_list("pk", "code")
            .iterator()
        }
        missing = sorted(code for code, required in codes.items() if code not in found)
        if any(codes[code] for code in missing):
            raise ArchiveRefused(
                f"The archive refers to {len(missing)} "
                f"{target._meta.verbose_name_plural} this instance does not have "
                f"({', '.join(missing[:3])}). Create or restore them first."
            )
        plan.refs[target] = found


# --- writing ---------------------------------------------------------------------


def restore_site(path, *, slug=None, name=None, progress=None) -> RestoreSummary:
    """Verify the archive, then write it as a new site inside one transaction."""
    plan = verify(path, slug=slug, name=name)
    entries = catalogue()
    rewrite = Rewriter(plan, plan.site_row["slug"])
    saved = []  # files written to a storage, removed again if the restore fails
    try:
        site = _write(path, plan, entries, rewrite, saved, progress)
    except BaseException:
        for alias, name in saved:
            storages[alias].delete(name)
        raise
    return RestoreSummary(
        site=site,
        rows=plan.rows,
        users_created=site.users_created,
        renew_ids=plan.renew_ids,
        namespace=rewrite.namespace,
        manifest=plan.manifest,
    )


def _write(path, plan, entries, rewrite, saved, progress):
    site_model = apps.get_model("sites", "Site")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    with _open(path) as archive, transaction.atomic(), keep_timestamps():
        site = site_model(
            **{
                f: site_model._meta.get_field(f).to_python(plan.site_row[f])
                for f in SITE_FIELDS
            }
        )
        site.slug, site.name = plan.slug, plan.name
        site.save()
        site_model._base_manager.filter(pk=site.pk).update(
            created_at=site_model._meta.get_field("created_at").to_python(
                plan.site_row["created_at"]
            )
        )
        users, site.users_created = users_by_name(archive, user_model)
        writer = Writer(site, users, plan, rewrite, archive, saved)
        for done, entry in enumerate(entries, start=1):
            writer.write(entry, rows(archive, entry.file))
            if entry.base is None and (
                done == len(entries) or entries[done].base is not None
            ):
                writer.fix_forward_links()
            if progress:
                progress(done, len(entries))
    return site
