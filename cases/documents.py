"""Uploading and downloading case documents, with content checks and an audit row each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from cases.encryption import fernet, rotate_stored_file
from cases.models import AuditEvent, Case, CaseDocument
from cases.services import audit_record

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What the first bytes of an accepted file must be; the name's extension is never trusted.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


def sniff_content_type(head: bytes) -> str | None:
    for content_type, signatures in SIGNATURES.items():
        if head.startswith(signatures):
            return content_type
    return None


def validate_document(upload) -> tuple[bytes, str]:
    """The file's bytes and real type, or a ValidationError saying what is wrong."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": MAX_DOCUMENT_BYTES // 2**20}}
        )
    data = upload.read()
    content_type = sniff_content_type(data[:16])
    name = (upload.name or "").lower()
    if content_type is None or not name.endswith(EXTENSIONS[content_type]):
        raise ValidationError(
            {"file": _("Only PDF, JPEG and PNG files are accepted, with a matching extension.")}
        )
    if content_type == "application/pdf" and (b"/JavaScript" in data or b"/Launch" in data):
        raise ValidationError({"file": _("PDF files with scripts or launch actions are refused.")})
    return data, content_type


@transaction.atomic
def document_upload(*, case: Case, uploaded_by, kind: str, title: str, upload) -> CaseDocument:
    if not Case.objects.editable_by(uploaded_by).filter(pk=case.pk).exists():
        raise PermissionDenied
    if case.status == "terminasi":
        raise ValidationError(_("A closed case cannot be changed. Reopen it first."))
    data, content_type = validate_document(upload)
    document = CaseDocument(
        case=case,
        kind=kind,
        title=title,
        original_name=upload.name,
        content_type=content_type,
        size=len(data),
        uploaded_by=uploaded_by,
    )
    document.full_clean(exclude=["file"])
    document.file.save("upload", ContentFile(fernet().encrypt(data)), save=False)
    document.save()
    audit_record(actor=uploaded_by, action=AuditEvent.Action.CREATE, case=case, obj=document)
    return document


@transaction.atomic
def document_open(*, document: CaseDocument, opened_by, ip_address=None) -> bytes:
    """The decrypted content, with the download audited. The caller fetched the document
    through ``CaseDocument.objects.visible_to``."""
    audit_record(
        actor=opened_by,
        action=AuditEvent.Action.DOWNLOAD,
        case=document.case,
        obj=document,
        ip_address=ip_address,
    )
    with document.file.open("rb") as stored:
        return fernet().decrypt(stored.read())


def documents_reencrypt() -> int:
    """Re-encrypt every stored document under the current key (key rotation)."""
    documents = CaseDocument.objects.only("file").iterator()
    return sum(rotate_stored_file(document, "file") for document in documents)
