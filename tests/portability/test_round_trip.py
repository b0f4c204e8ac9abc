"""The full demo site leaves and comes back (issue 13 item 3): exported, restored
under a new short name beside the original, and compared field by field; no other
site's row is in the archive."""

import json
import re
import uuid
import zipfile

import pytest
from django.db import models

from careplans.models import CarePlan
from sites.models import CollaborativeMeeting, Membership, Programme, Site, User
from sites.portability.catalogue import REF, ROW, SITE, USER, catalogue
from sites.portability.restore import restore_site

pytestmark = pytest.mark.django_db

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Expect:
    """What each restored value should be, worked out apart from the restore."""

    def __init__(self, old_site, new_site, namespace, keep):
        self.old_site, self.new_site = old_site, new_site
        self.namespace, self.keep = namespace, keep
        self.keys = {}

    def code(self, text):
        text = str(text)
        if self.namespace is None or text in self.keep:
            return text
        return str(uuid.uuid5(self.namespace, text))

    def text(self, value):
        value = value.replace(f"/s/{self.old_site.slug}/", f"/s/{self.new_site.slug}/")
        return UUID_RE.sub(lambda m: self.code(m.group()), value)

    def json(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value

    def value(self, entry, field, value):
        link = entry.links.get(field.attname)
        if value is None:
            return None
        if link is not None:
            if link.kind == SITE:
                return self.new_site.pk
            if link.kind in (USER, REF):
                return value
            assert link.kind == ROW
            keys = self.keys[link.target]
            return keys.get(value, -value) if entry.is_history else keys[value]
        if entry.is_history and field.attname == entry.base._meta.pk.attname:
            return self.keys[entry.base].get(value, -value)
        if isinstance(field, models.UUIDField):
            return uuid.UUID(self.code(value))
        if isinstance(field, models.JSONField):
            return self.json(value)
        if isinstance(value, str):
            return self.text(value)
        return value


def _rows(entry, site):
    return list(
        entry.model._base_manager.filter(site=site)
        .order_by("pk")
        .values_list(*entry.columns)
    )


def test_the_demo_site_round_trips_field_by_field(demo_archive, frozen):
    old = Site.objects.get(slug="northshire")
    summary = restore_site(demo_archive, slug="northshire-copy")
    new = summary.site
    # Beside its original, every public id is renewed, consistently.
    assert summary.renew_ids
    assert summary.namespace
    assert summary.users_created == []
    assert new.name == f"{old.name} (restored as northshire-copy)"
    for name in ("kind", "duty_phone", "contact_email", "postal_address"):
        assert getattr(new, name) == getattr(old, name)

    keep = {str(c) for c in Programme.objects.values_list("code", flat=True)}
    keep |= {
        str(c) for c in CollaborativeMeeting.objects.values_list("code", flat=True)
    }
    expect = Expect(old, new, summary.namespace, keep)
    with zipfile.ZipFile(demo_archive) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    counts = {i["model"]: i["count"] for i in manifest["files"] if "model" in i}
    compared = 0
    for entry in catalogue():
        before, after = _rows(entry, old), _rows(entry, new)
        assert len(before) == len(after) == counts[entry.label], entry.label
        pk = entry.columns.index(entry.model._meta.pk.attname)
        if not entry.is_history:
            expect.keys[entry.model] = {
                b[pk]: a[pk] for b, a in zip(before, after, strict=True)
            }
        fields = [entry.model._meta.get_field(n) for n in _field_names(entry)]
        for b, a in zip(before, after, strict=True):
            for index, field in enumerate(fields):
                if index == pk:
                    continue
                if entry.stored_file and field.attname == entry.stored_file[0]:
                    # A stored file is copied under the restored site's own name.
                    assert a[index].startswith(f"{new.pk}/"), entry.label
                    continue
                assert a[index] == expect.value(entry, field, b[index]), (
                    entry.label,
                    field.name,
                )
                compared += 1
    assert compared > 20_000
    # Staff keep their roles at the restored site.
    assert sorted(
        Membership.objects.filter(site=new).values_list("user__username", "role")
    ) == sorted(
        Membership.objects.filter(site=old).values_list("user__username", "role")
    )


def _field_names(entry):
    by_attname = {f.attname: f.name for f in entry.model._meta.concrete_fields}
    return [by_attname[c] for c in entry.columns]


def test_the_restored_site_opens_for_its_members(demo_archive, frozen, client):
    new = restore_site(demo_archive, slug="northshire-copy").site
    plan = CarePlan.objects.filter(site=new, person__family_name="Evans").first()
    client.force_login(User.objects.get(username="olivia"))
    assert client.get(f"/s/{new.slug}/").status_code == 200
    page = client.get(f"/s/{new.slug}/plans/{plan.code}/")
    assert page.status_code == 200
    assert "Evans" in page.content.decode()


def test_no_other_sites_row_is_in_the_export(demo_archive, frozen):
    northshire = Site.objects.get(slug="northshire")
    others = Site.objects.exclude(pk=northshire.pk)
    codes = set()
    for entry in catalogue():
        for name in entry.public_ids:
            codes |= {
                str(c)
                for c in entry.model._base_manager.filter(site__in=others)
                .exclude(**{f"{name}__isnull": True})
                .values_list(name, flat=True)
            }
    assert codes, "the demo has other sites' records to leak"
    with zipfile.ZipFile(demo_archive) as archive:
        for item in json.loads(archive.read("manifest.json"))["files"]:
            if "file_of" in item:  # an attached document's bytes, by stored name
                assert item["name"].startswith(f"{northshire.pk}/"), item["file"]
                continue
            text = archive.read(item["file"]).decode()
            assert not codes & set(UUID_RE.findall(text)), item["file"]
            if item["file"] not in ("site.json", "users.jsonl"):
                for line in text.splitlines():
                    assert json.loads(line)["site"] == "northshire", item["file"]


def _delete_site(site):
    """Remove a site and everything it holds, as after losing it."""
    for entry in reversed(catalogue()):
        entry.model._base_manager.filter(site=site).delete()
    type(site)._base_manager.filter(pk=site.pk).delete()


def test_a_lost_site_comes_back_with_its_public_ids(demo_archive, frozen):
    """Restored where the site no longer exists: same short name, same public ids
    (so saved links still work), every count as in the manifest."""
    old = Site.objects.get(slug="northshire")
    before = {
        entry.label: sorted(
            str(c)
            for name in entry.public_ids
            for c in entry.model._base_manager.filter(site=old).values_list(
                name, flat=True
            )
        )
        for entry in catalogue()
    }
    _delete_site(old)
    summary = restore_site(demo_archive)
    assert not summary.renew_ids
    new = summary.site
    assert (new.slug, new.name) == ("northshire", old.name)
    for entry in catalogue():
        after = sorted(
            str(c)
            for name in entry.public_ids
            for c in entry.model._base_manager.filter(site=new).values_list(
                name, flat=True
            )
        )
        assert after == before[entry.label], entry.label
