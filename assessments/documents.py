"""Documents attached to a person's record (issue 12, item 8): quotes, letters, clinic
reports, attached to the person, one of their assessments or one of their plans.

Files are kept through Django's storage API (``storages["documents"]``: a private
folder by default, an object store in production; see docs/deployment.md) under a
random name. They are never given a public address: they are served only by
``document_views.document_file``, which checks the reader may open the person's record
and audits each download. The name the file had when attached is kept as data and
given back when it is downloaded.

A file is kept only when its contents are what its name says (a PDF, a PNG or JPEG
picture, a .docx, .xlsx or .odt office document), and it is no bigger than
``DOCUMENT_MAX_MB``.
"""

import os
import unicodedata
import uuid
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from sites.audit import record_event
from sites.models import AuditEvent, SiteScoped, named_user
from sites.shortcuts import lock_row

STORAGE = "documents"

# Type -> (what people call it, the name endings it may have, its content type)
TYPES = {
    "pdf": ("a PDF", {"pdf"}, "application/pdf"),
    "png": ("a PNG picture", {"png"}, "image/png"),
    "jpeg": ("a JPEG picture", {"jpg", "jpeg"}, "image/jpeg"),
    "docx": (
        "a Word document",
        {"docx"},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "an Excel spreadsheet",
        {"xlsx"},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": ("an OpenDocument text", {"odt"}, "application/vnd.oasis.opendocument.text"),
}
BY_ENDING = {
    ending: key for key, (_, endings, _) in TYPES.items() for ending in endings
}
WHAT_WE_KEEP = (
    "PDFs, pictures (PNG or JPEG) and office documents (Word .docx, Excel .xlsx, "
    "OpenDocument .odt)"
)


def max_bytes() -> int:
    return settings.DOCUMENT_MAX_MB * 1024 * 1024


def _zip_type(upload):
    """docx, xlsx or odt by what is inside the zip, or None."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
            if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                return "xlsx"
            if "mimetype" in names and "content.xml" in names:
                mimetype = archive.read("mimetype")[:100].strip()
                if mimetype == TYPES["odt"][2].encode():
                    return "odt"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def sniff(upload):
    """The file's type by its contents (a key of ``TYPES``), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    found = None
    if head.startswith(b"%PDF-"):
        found = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpeg"
    elif head.startswith(b"PK\x03\x04"):
        found = _zip_type(upload)
    upload.seek(0)
    return found


def clean_name(name: str) -> str:
    """The file's own name without any folder, control characters or over-length."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 150:
        stem, dot, ending = name.rpartition(".")
        name = (stem[: 140 - len(ending)] + dot + ending) if dot else name[:150]
    return name or "document"


def check_upload(upload):
    """The file's type key, or a ValidationError saying plainly what is wrong."""
    limit = settings.DOCUMENT_MAX_MB
    if upload.size == 0:
        raise ValidationError("The file is empty. Choose the file again.", code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB: the largest CareHub "
            f"keeps is {limit} MB. Make it smaller (for example, scan at a lower "
            "resolution) and attach it again.",
            code="too_big",
        )
    name = clean_name(upload.name)
    ending = name.rpartition(".")[2].lower() if "." in name else ""
    expected = BY_ENDING.get(ending)
    if expected is None:
        shown = f"“.{ending}” files" if ending else "Files without a type in the name"
        raise ValidationError(
            f"{shown} cannot be attached. CareHub keeps {WHAT_WE_KEEP}.",
            code="bad_type",
        )
    found = sniff(upload)
    if found != expected:
        raise ValidationError(
            f"This file's name ends .{ending} but it is not {TYPES[expected][0]}: it "
            f"may be damaged or renamed. CareHub keeps {WHAT_WE_KEEP}; save it again "
            "as one of these and attach that.",
            code="contents_differ",
        )
    return found


class Document(SiteScoped):
    """A file attached to a person's record."""

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        LETTER = "letter", "Letter"
        CLINIC_REPORT = "clinic_report", "Clinic or medical report"
        OTHER = "other", "Something else"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "assessments.Person", on_delete=models.PROTECT, related_name="documents"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    # The public id of the care plan it is attached to (plans belong to a higher
    # app, which this one may not point to).
    plan_code = models.UUIDField(null=True, blank=True, db_index=True)
    kind = models.CharField(
        "What kind of document", max_length=20, choices=Kind.choices
    )
    description = models.CharField(
        "What it is",
        max_length=200,
        help_text="For example “Quote for a stair rail, Stairlifts Ltd”.",
    )
    original_name = models.CharField(max_length=160)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = named_user()
    delete_reason = models.TextField("Why it is being deleted", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | ~Q(delete_reason=""),
                name="document_deleted_with_reason",
            )
        ]

    def __str__(self):
        return self.description

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def size_in_words(self):
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


def _audit(document, by, action):
    record_event(
        kind=AuditEvent.Kind.TRANSITION,
        user=by,
        site=document.site,
        obj=document,
        action=action,
    )


def attach_document(
    *, person, upload, kind, description, by, assessment=None, plan_code=None
):
    """Keep ``upload`` (checked again here) under a random name and record it on the
    person's record, audited."""
    type_key = check_upload(upload)
    if assessment is not None and assessment.person_id != person.pk:
        raise ValidationError("That assessment is not this person's.", code="mismatch")
    storage = storages[STORAGE]
    name = f"{person.site_id}/{uuid.uuid4().hex}"
    upload.seek(0)
    stored = storage.save(name, upload)
    try:
        with transaction.atomic():
            document = Document(
                site=person.site,
                person=person,
                assessment=assessment,
                plan_code=plan_code,
                kind=kind,
                description=description,
                original_name=clean_name(upload.name),
                content_type=TYPES[type_key][2],
                size=upload.size,
                storage_name=stored,
                uploaded_by=by,
            )
            document.full_clean(exclude=["site", "person", "uploaded_by", "assessment"])
            document.save()
            _audit(document, by, "Document attached")
    except Exception:
        storage.delete(stored)  # no file without its record
        raise
    return document


@transaction.atomic
def delete_document(document, *, by, reason):
    """Delete the file, keeping a note of what it was, who deleted it and why."""
    locked = lock_row(document)
    if locked.is_deleted:
        raise ValidationError("This document has already been deleted.", code="gone")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is being deleted."})
    locked.deleted_at = timezone.now()
    locked.deleted_by = by
    locked.delete_reason = reason.strip()
    locked.save(
        update_fields=["deleted_at", "deleted_by", "delete_reason", "updated_at"]
    )
    _audit(locked, by, "Document deleted")
    name = locked.storage_name
    transaction.on_commit(lambda: storages[STORAGE].delete(name))
    return locked


def open_document(document):
    """The stored file, opened for reading."""
    return storages[STORAGE].open(document.storage_name, "rb")


def attached_to(site, *, assessment=None, plan_code=None):
    """The documents attached to one assessment or one plan, newest first, in one
    query (for the page of that record)."""
    if (assessment is None) == (plan_code is None):
        raise ValueError("Give an assessment or a plan's code, not both or neither.")
    found = Document.objects.filter(site=site)
    if assessment is not None:
        found = found.filter(assessment=assessment)
    else:
        found = found.filter(plan_code=plan_code)
    return list(found.select_related("uploaded_by", "deleted_by"))


def person_page_documents(request, person):
    """The person page's Documents section (a PERSON_PAGE_PROVIDERS provider)."""
    documents = list(
        Document.objects.filter(site=request.site, person=person).select_related(
            "uploaded_by", "deleted_by", "assessment"
        )
    )
    return "documents/_person_documents.html", {"documents": documents}
