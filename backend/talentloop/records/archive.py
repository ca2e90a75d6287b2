"""The employee archive: uploading, listing and downloading documents.

A file is accepted by what its bytes are, not by its name: the first bytes must be those of
a PDF, PNG or JPEG, and the stored media type is the sniffed one. At most 10 MiB.
Documents are personal data (field group PERSONAL); an ID copy is sensitive (SENSITIVE),
and downloading one is written to the audit trail (PIPL art. 51).
"""

from __future__ import annotations

import hashlib

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from talentloop.access.policy import FieldGroup, Viewer
from talentloop.audit import service as audit
from talentloop.audit.models import AuditAction
from talentloop.errors import ErrorCode, ServiceError, not_found
from talentloop.people.models import Employee
from talentloop.records.models import ArchiveDocument, DocumentType
from talentloop.records.storage import Storage, get_storage

MAX_BYTES = 10 * 1024 * 1024
# Leading bytes → media type and the file name extension it gets.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, media_type, extension in SIGNATURES:
        if content.startswith(magic):
            return media_type, extension
    return None


def accepted_file(file_name: str, content: bytes, default: str = "document") -> tuple[str, str]:
    """The name a file is kept under (its extension from its content) and its media type; a
    file that is empty, larger than 10 MB, or not a PDF, PNG or JPEG is refused."""
    if not content:
        raise ServiceError.one(ErrorCode.REQUIRED, "The file is empty.", "file")
    if len(content) > MAX_BYTES:
        raise ServiceError.one(ErrorCode.INVALID, "The file is larger than 10 MB.", "file")
    sniffed = sniff(content)
    if sniffed is None:
        raise ServiceError.one(
            ErrorCode.INVALID, "Only PDF, PNG and JPEG files are accepted.", "file"
        )
    media_type, extension = sniffed
    name = (file_name or "").strip().replace("/", "_").replace("\\", "_")[:200] or default
    if not name.lower().endswith("." + extension) and not (
        extension == "jpg" and name.lower().endswith(".jpeg")
    ):
        name = f"{name}.{extension}"
    return name, media_type


def _group(doc_type: DocumentType) -> FieldGroup:
    return FieldGroup.SENSITIVE if doc_type is DocumentType.ID_COPY else FieldGroup.PERSONAL


def visible_documents(viewer: Viewer) -> QuerySet[ArchiveDocument]:
    """Documents whose employee the viewer reads with PERSONAL; ID copies need SENSITIVE."""
    personal = viewer.employee_filter(requires=FieldGroup.PERSONAL, prefix="employee__")
    if personal is None:
        return ArchiveDocument.filter(id__in=[])
    sensitive = viewer.employee_filter(requires=FieldGroup.SENSITIVE, prefix="employee__")
    qs = ArchiveDocument.filter(personal)
    if sensitive is None:
        return qs.filter(doc_type__not=DocumentType.ID_COPY)
    return qs.filter(sensitive | ~Q(doc_type=DocumentType.ID_COPY))


async def documents_of(viewer: Viewer, employee_id: int) -> list[ArchiveDocument]:
    return await visible_documents(viewer).filter(employee_id=employee_id)


async def upload(
    viewer: Viewer,
    employee_id: int,
    *,
    doc_type: DocumentType,
    file_name: str,
    content: bytes,
    storage: Storage | None = None,
) -> ArchiveDocument:
    scope = viewer.employee_filter(requires=_group(doc_type))
    employee = (
        None
        if scope is None
        else await Employee.filter(scope).filter(id=employee_id).select_related("unit").first()
    )
    if employee is None:
        raise not_found("Employee", "employeeId")
    if not viewer.can_manage_employees_in(employee.unit.path):
        raise ServiceError.one(
            ErrorCode.FORBIDDEN, "You may not add to this employee's archive.", "employeeId"
        )
    name, media_type = accepted_file(file_name, content)
    storage = storage or get_storage()
    key = await storage.put(content)
    try:
        async with in_transaction():
            document = await ArchiveDocument.create(
                employee_id=employee.id,
                doc_type=doc_type,
                file_name=name,
                media_type=media_type,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                storage_key=key,
                uploaded_by=viewer.username,
            )
            await audit.record_created(
                viewer,
                "ArchiveDocument",
                document.id,
                {"doc_type": doc_type, "file_name": name, "size": len(content)},
                employee_id=employee.id,
            )
    except BaseException:
        await storage.delete(key)
        raise
    return document


async def download(
    viewer: Viewer, document_id: int, storage: Storage | None = None
) -> tuple[ArchiveDocument, bytes] | None:
    """The document and its bytes, or None when not visible (the same as missing)."""
    document = await visible_documents(viewer).filter(id=document_id).first()
    if document is None:
        return None
    content = await (storage or get_storage()).get(document.storage_key)
    if content is None:
        return None
    if document.doc_type is DocumentType.ID_COPY:
        await audit.record(
            viewer,
            AuditAction.SENSITIVE_READ,
            subject_type="ArchiveDocument",
            subject_id=document.id,
            employee_id=document.employee_id,
            field="idCopy",
            reason=audit.DOWNLOADED,
        )
    return document, content
