"""Checks for uploaded figures and supporting files: type by content, size limits, safe names.

The type is read from the bytes, not from the name or the browser's word: PDF by its header and
trailer, DOCX/XLSX by the parts an Office Open XML package must have (and no macros), images by
decoding them with Pillow. libmagic would call a .docx "Microsoft OOXML" or "Zip archive" without
looking for the parts or the macros, so the few formats accepted here are checked directly.
"""

import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMAGE_TYPES = {"PNG": "png", "JPEG": "jpg"}
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _megabytes(upload.size), "limit": _megabytes(limit)},
            code="too_large",
        )


def image_type(upload) -> tuple[str, int, int] | None:
    """(extension, width, height) of a decodable PNG or JPEG, else None."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt, (width, height) = image.format, image.size
            if fmt not in IMAGE_TYPES or width * height > settings.FIGURE_MAX_PIXELS:
                return None
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return IMAGE_TYPES[fmt], width, height


def _ooxml_type(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            # A package whose parts would unpack to more than 20x the limit is refused unread.
            if sum(i.file_size for i in package.infolist()) > 20 * settings.ATTACHMENT_MAX_BYTES:
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    for ext, part in OOXML_MAIN_PART.items():
        if part in names:
            return ext
    return None


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    return head.lstrip().startswith(b"%PDF-") and b"%%EOF" in tail


def attachment_type(upload) -> str:
    """The checked type of a supporting file ("pdf", "docx", "xlsx", "png", "jpg")."""
    if _is_pdf(upload):
        return "pdf"
    ooxml = _ooxml_type(upload)
    if ooxml:
        return ooxml
    image = image_type(upload)
    if image:
        return image[0]
    raise ValidationError(
        _(
            "This file is not a readable PDF, Word (DOCX), Excel (XLSX), PNG or JPEG file. "
            "Files are checked by their content, not by their name."
        ),
        code="file_type",
    )


# Characters reserved in Windows file names; control and format characters (C0, C1, zero-width,
# the bidirectional overrides that can disguise an extension) are mapped to NUL first.
_UNSAFE = re.compile(r'[\x00<>:"/\\|?*]+')


def safe_filename(name: str, ext: str) -> str:
    """A display name without path, control or reserved characters, ending in the checked type."""
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join("\x00" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in name)
    name = re.split(r"[/\\]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", _UNSAFE.sub("_", stem)).strip(" ._") or _("attachment")
    return f"{stem[:120]}.{ext}"
