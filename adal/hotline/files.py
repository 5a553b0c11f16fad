"""What a reporter may send as evidence: the type is read from the content (never the name), the size
is capped, and metadata is removed. The encrypted store itself is adal.core.files."""

import io
import os
import shutil
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import filetype
import pikepdf
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
# Metadata is removed from every type that can be rewritten: pictures are re-encoded so that camera
# data (GPS position, device serial) does not travel on; PDF and office documents lose their author,
# software and dates. HEIC, audio and video keep theirs, and the forms and the API say so.
STRIP_METADATA = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
}
# Office documents are ZIP packages: their metadata parts are replaced by empty ones (dropping them
# would leave the package's relationships pointing at nothing, which Word reports as damage).
_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OFFICE_METADATA_PARTS = {
    "docProps/core.xml": _XML
    + b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>',
    "docProps/app.xml": _XML
    + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>',
    "docProps/custom.xml": _XML
    + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
    "meta.xml": _XML
    + b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>',
}
# A 10 MB package may unpack to gigabytes; beyond this it is not unpacked at all.
OFFICE_MAX_UNPACKED_BYTES = 256 * 2**20
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # entry times say when and in which time zone the file was saved


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def read_upload(upload) -> bytes:
    """An uploaded file's content, read from its temporary file only up to one byte past the limit:
    enough to refuse it, never the whole of an oversized file in memory."""
    return upload.read(settings.ADAL_ATTACHMENT_MAX_BYTES + 1)


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
        data = _picture_without_metadata(data, STRIP_METADATA[kind.mime], name)
    elif kind.mime == "application/pdf":
        data = _pdf_without_metadata(data, name)
    elif kind.mime in OFFICE_TYPES:
        data = _office_without_metadata(data, name)
    return CheckedFile(name=os.path.basename(name)[:255] or "file", content_type=kind.mime, data=data)


def _picture_without_metadata(data: bytes, fmt: str, name: str) -> bytes:
    try:
        # Pillow's own bomb check only warns below twice its limit: make that a refusal too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))  # reads the header only: nothing is decoded yet
        with opened:
            _check_pixels(opened, name)
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
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None


def _check_pixels(image: Image.Image, name: str) -> None:
    """Decoding costs memory and time by the pixel, not by the byte: a small PNG can claim 15,000 ×
    15,000 pixels. The header's size is checked before anything is decoded."""
    width, height = image.size
    if width * height > settings.ADAL_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(name)


def _too_many_pixels(name: str) -> ValidationError:
    limit = settings.ADAL_IMAGE_MAX_PIXELS // 1_000_000
    return ValidationError(
        ngettext(
            'The picture "%(name)s" has more than %(limit)d million pixel. '
            "Make it smaller and send it again.",
            'The picture "%(name)s" has more than %(limit)d million pixels. '
            "Make it smaller and send it again.",
            limit,
        )
        % {"name": name, "limit": limit},
        code="image_too_large",
    )


def _unreadable_document(name: str) -> ValidationError:
    return ValidationError(
        _(
            'The document "%(name)s" cannot be read, so its hidden data (author, software, dates) cannot '
            "be removed. Save it again as a new file and send that."
        )
        % {"name": name},
        code="file_damaged",
    )


def _pdf_without_metadata(data: bytes, name: str) -> bytes:
    """Drop the document information dictionary and every XMP stream, and write the file anew (which
    also drops earlier revisions kept by incremental saves)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer.Info
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) and "/Metadata" in obj:
                    del obj.Metadata
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False)
            return out.getvalue()
    except pikepdf.PdfError as e:
        # A file qpdf cannot parse is kept only when it plainly has nowhere to hold metadata: no
        # information dictionary, no XMP and no compressed objects that could hide either.
        if not any(marker in data for marker in (b"/Info", b"/Metadata", b"/ObjStm", b"/Encrypt")):
            return data
        raise _unreadable_document(name) from e


def _office_without_metadata(data: bytes, name: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if sum(entry.file_size for entry in entries) > OFFICE_MAX_UNPACKED_BYTES:
                raise _unreadable_document(name)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as clean:
                for entry in entries:  # in order: ODF needs its uncompressed "mimetype" first
                    _copy_entry(package, clean, entry)
            return out.getvalue()
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError) as e:
        raise _unreadable_document(name) from e


def _copy_entry(package: zipfile.ZipFile, clean: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    info = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
    info.compress_type = entry.compress_type
    if entry.filename in OFFICE_METADATA_PARTS:
        clean.writestr(info, OFFICE_METADATA_PARTS[entry.filename])
        return
    with package.open(entry) as source, clean.open(info, "w") as target:
        shutil.copyfileobj(source, target)
