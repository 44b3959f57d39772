"""What an attachment may be, and where its bytes live.

Only PDF, PNG and JPEG are taken, told by their first bytes (the file's magic number), not by
the name or the browser's Content-Type, which the sender controls: a script renamed to
scan.pdf is refused. The size limit is a setting (MESSAGE_ATTACHMENT_MAX_BYTES). Files are
stored under a random name in MESSAGE_ATTACHMENTS_DIR, outside the static root, and are only
ever sent back through the gate (messaging.services.open_attachment).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

FIELD = "attachment"
# The first bytes of each format we accept: PDF 1.x/2.0, PNG's 8-byte signature, JPEG's SOI.
MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
ALLOWED_WORDS = "a PDF, PNG or JPEG file"


Upload = UploadedFile[Any]


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size_bytes: int
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def max_bytes() -> int:
    return int(settings.MESSAGE_ATTACHMENT_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _display_name(name: str, extension: str) -> str:
    """A name safe to show and to offer on download: letters, digits, dot, dash, underscore."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "file").stem).strip("._")[:80]
    return f"{stem or 'file'}{extension}"


def check(upload: Upload) -> CheckedFile:
    """The file's type and size, or a ValidationError naming the field."""
    limit = max_bytes()
    size = upload.size or 0
    if size > limit:
        shown, allowed = _megabytes(size), _megabytes(limit)
        if shown == allowed:  # just over: "5.0 MB; the limit is 5.0 MB" would say nothing
            shown, allowed = f"{size:,} bytes", f"{limit:,} bytes ({allowed})"
        raise ValidationError({FIELD: (
            f"The file is {shown}; the limit is {allowed}. "
            "Send a smaller file or a photo at a lower resolution."
        )})  # fmt: skip
    if size == 0:
        raise ValidationError({FIELD: "The file is empty."})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:  # the size the browser claimed was wrong
        raise ValidationError({FIELD: f"The file is over the limit of {_megabytes(limit)}."})
    for magic, content_type, extension in MAGIC:
        if content.startswith(magic):
            return CheckedFile(_display_name(upload.name or "", extension), content_type,
                               len(content), content)  # fmt: skip
    raise ValidationError({FIELD: (
        f"Only {ALLOWED_WORDS} can be attached; this file is not one "
        "(its contents were checked, not only its name)."
    )})  # fmt: skip


def folder() -> Path:
    path = Path(settings.MESSAGE_ATTACHMENTS_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store(checked: CheckedFile) -> str:
    """Write the bytes under a new random name; return the name."""
    name = secrets.token_hex(16)
    (folder() / name).write_bytes(checked.content)
    return name


def path_of(stored_as: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_as):  # never a path from elsewhere
        raise ValueError("not a stored attachment name")
    return folder() / stored_as


def discard(stored_as: str) -> None:
    """Remove a file whose message was not saved (the write was refused or rolled back)."""
    path_of(stored_as).unlink(missing_ok=True)
