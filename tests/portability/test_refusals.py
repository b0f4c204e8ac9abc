"""A tampered, truncated or mismatched archive is refused with a clear message, and
nothing is written (issue 13 item 3)."""

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Person
from sites.models import AuditEvent, Membership, Site, User
from sites.portability.restore import ArchiveRefused, restore_site
from tests.portability.conftest import rewrite_archive

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Site.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Person.objects.count(),
    )


def _refused(path, slug="copy"):
    before = _counts()
    with pytest.raises(ArchiveRefused) as refusal:
        restore_site(path, slug=slug)
    assert _counts() == before
    return str(refusal.value)


PEOPLE = "assessments.Person.jsonl"


def _edit_person_line(data):
    lines = data.splitlines(keepends=True)
    lines[0] = lines[0].replace(b'"Evans"', b'"Evens"', 1)
    assert lines[0] != data.splitlines(keepends=True)[0]
    return b"".join(lines)


def test_a_changed_row_is_refused_by_its_checksum(demo_archive, frozen, tmp_path):
    path = rewrite_archive(
        demo_archive, tmp_path / "a.zip", change={PEOPLE: _edit_person_line}
    )
    assert "does not match its SHA-256 checksum" in _refused(path)


def test_a_truncated_file_is_refused_by_its_count(demo_archive, frozen, tmp_path):
    path = rewrite_archive(
        demo_archive,
        tmp_path / "a.zip",
        change={PEOPLE: lambda d: b"".join(d.splitlines(keepends=True)[:-1])},
    )
    message = _refused(path)
    assert PEOPLE in message
    assert "where the manifest says" in message


def test_a_cut_off_archive_is_refused(demo_archive, frozen, tmp_path):
    data = demo_archive.read_bytes()
    path = tmp_path / "cut.zip"
    path.write_bytes(data[: len(data) // 2])
    assert "not a readable ZIP file" in _refused(path)


def test_a_missing_file_is_refused(demo_archive, frozen, tmp_path):
    path = rewrite_archive(demo_archive, tmp_path / "a.zip", drop=[PEOPLE])
    assert "is incomplete" in _refused(path)


def test_another_format_version_is_refused(demo_archive, frozen, tmp_path):
    path = rewrite_archive(
        demo_archive,
        tmp_path / "a.zip",
        manifest=lambda m: {**m, "format_version": 2},
    )
    assert "format version 2" in _refused(path)


def test_an_archive_of_another_schema_is_refused(demo_archive, frozen, tmp_path):
    def drop_a_field(manifest):
        for item in manifest["files"]:
            if item["file"] == PEOPLE:
                item["fields"] = item["fields"][:-1]
        return manifest

    path = rewrite_archive(demo_archive, tmp_path / "a.zip", manifest=drop_a_field)
    assert "does not match this version of CareHub" in _refused(path)


def test_an_existing_site_is_not_overwritten(demo_archive, frozen):
    assert "already exists here" in _refused(demo_archive, slug=None)


def test_a_fault_found_while_writing_rolls_everything_back(
    demo_archive, frozen, tmp_path
):
    """A row naming a record the archive lacks passes the checksums (they are
    recomputed here) but is refused while writing: the transaction is undone."""
    name = "assessments.Need.jsonl"
    state = {}

    def orphan(data):
        lines = data.splitlines(keepends=True)
        row = json.loads(lines[-1])
        row["assessment"] = 987654321
        lines[-1] = (json.dumps(row, ensure_ascii=False) + "\n").encode()
        state["data"] = b"".join(lines)
        return state["data"]

    def reseal(manifest):
        for item in manifest["files"]:
            if item["file"] == name:
                item["sha256"] = hashlib.sha256(state["data"]).hexdigest()
        return manifest

    path = rewrite_archive(
        demo_archive, tmp_path / "a.zip", change={name: orphan}, manifest=reseal
    )
    assert "refers to a record the archive does not hold" in _refused(path)


def test_the_commands_export_and_restore(demo_archive, frozen, tmp_path):
    out = io.StringIO()
    path = tmp_path / "valley.zip"
    call_command("export_site", "valley", str(path), stdout=out)
    assert "Exported" in out.getvalue()
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).first()
    assert event.site.slug == "valley"
    assert event.details["rows"] > 0
    call_command("import_site", str(path), "--as", "valley-2", "--check", stdout=out)
    assert "The archive is sound" in out.getvalue()
    assert not Site.objects.filter(slug="valley-2").exists()
    call_command("import_site", str(path), "--as", "valley-2", stdout=out)
    assert Site.objects.filter(slug="valley-2").exists()
    with pytest.raises(CommandError, match=r"Nothing was restored\. A site called"):
        call_command("import_site", str(path), "--as", "valley-2", stdout=out)
