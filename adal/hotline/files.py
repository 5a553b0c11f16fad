"""What a reporter may send as evidence: the type is read from the content (never the name), the size
is capped, and metadata is removed. The encrypted store itself is adal.core.files."""

import io
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

# Content types a reporter may send as evidence: documents, pictures, audio and video.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
# Pictures are re-encoded so that camera metadata (GPS position, device serial) does not travel on.
STRIP_METADATA = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def check_file(*, name: str, data: bytes) -> CheckedFile:
    """Return the file with its detected type, or raise ValidationError in the user's language."""
    limit = settings.ADAL_ATTACHMENT_MAX_BYTES
    if len(data) == 0:
        raise ValidationError(_('The file "%(name)s" is empty.') % {"name": name}, code="file_empty")
    if len(data) > limit:
        raise ValidationError(
            ngettext(
                'The file "%(name)s" is larger than %(limit)d MB.',
                'The file "%(name)s" is larger than %(limit)d MB.',
                limit // 2**20,
            )
            % {"name": name, "limit": limit // 2**20},
            code="file_too_large",
        )
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                'The file "%(name)s" is not a document, picture, audio or video file that we accept '
                "(PDF, JPEG, PNG, WEBP, HEIC, DOCX, XLSX, ODT, MP3, M4A, OGG, WAV, MP4, MOV)."
            )
            % {"name": name},
            code="file_type",
        )
    if kind.mime in STRIP_METADATA:
        data = _without_metadata(data, STRIP_METADATA[kind.mime], name)
    return CheckedFile(name=os.path.basename(name)[:255] or "file", content_type=kind.mime, data=data)


def _without_metadata(data: bytes, fmt: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # keep the picture upright once EXIF is gone
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            out = io.BytesIO()
            clean.save(out, format=fmt)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ValidationError(
            _('The picture "%(name)s" is damaged and cannot be read.') % {"name": name}, code="file_damaged"
        ) from e
