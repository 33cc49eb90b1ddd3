"""Attachments: the type is checked from the content, files get random names in the store
(app/storage.py), and a file is served only to whoever may see the record it belongs to."""
import io
import secrets
import zipfile
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import storage
from app.extensions import db
from app.models import Attachment, User

MAX_BYTES = 20 * 1024 * 1024
# What the first bytes must be for each allowed extension; xlsx and docx are zip packages
# whose main part names them.
KINDS = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
}
PACKAGE_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


class AttachmentError(ValueError):
    pass


def _check(upload: FileStorage, data: bytes) -> str:
    name = upload.filename or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise AttachmentError(f"附件“{name}”的类型不允许：只能上传 pdf、jpg、png、xlsx、docx。")
    if len(data) > MAX_BYTES:
        raise AttachmentError(f"附件“{name}”超过 20 MB。")
    if not data:
        raise AttachmentError(f"附件“{name}”是空文件。")
    content_type, magic = KINDS[extension]
    if not data.startswith(magic) or not _package_ok(extension, data):
        raise AttachmentError(f"附件“{name}”的内容与扩展名 .{extension} 不符。")
    return content_type


def _package_ok(extension: str, data: bytes) -> bool:
    part = PACKAGE_PART.get(extension)
    if part is None:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return part in package.namelist()
    except zipfile.BadZipFile:
        return False


def store(uploads: list[FileStorage], owner_type: str, owner_id: int, by: User) -> list[Attachment]:
    """Check every file first, then write them; one bad file stores none."""
    checked = []
    for upload in uploads:
        if not upload or not upload.filename:
            continue
        data = upload.stream.read(MAX_BYTES + 1)
        checked.append((upload, data, _check(upload, data)))
    attachments = []
    for upload, data, content_type in checked:
        stored_name = secrets.token_hex(16)
        storage.files().put(stored_name, data)
        attachment = Attachment(owner_type=owner_type, owner_id=owner_id, name=Path(upload.filename).name[:200],
                                stored_name=stored_name, content_type=content_type, size=len(data),
                                uploaded_by_id=by.id)
        db.session.add(attachment)
        attachments.append(attachment)
    db.session.flush()
    return attachments


def source_of(attachment: Attachment):
    """The file, as ``send_file`` takes it."""
    return storage.files().source(attachment.stored_name)


VIEWABLE = {"image/png", "image/jpeg", "application/pdf"}  # shown in the browser as evidence, not downloaded


def files_of(owners: dict[str, list[int]]) -> dict[tuple[str, int], list[Attachment]]:
    """The attachments of these records (owner type → ids), by (owner type, id), in one query."""
    wanted = [sa.and_(Attachment.owner_type == kind, Attachment.owner_id.in_(ids)) for kind, ids in owners.items() if ids]
    found: dict[tuple[str, int], list[Attachment]] = {}
    if wanted:
        for f in db.session.scalars(sa.select(Attachment).where(sa.or_(*wanted)).order_by(Attachment.id)):
            found.setdefault((f.owner_type, f.owner_id), []).append(f)
    return found
