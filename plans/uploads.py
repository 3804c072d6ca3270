"""Checks for uploaded figures and supporting files: type by content, size limits, safe names.

The type is read from the bytes, not from the name or the browser's word: PDF by its header and
trailer, DOCX/XLSX by the parts an Office Open XML package must have (and no macros), images by
decoding them with Pillow. libmagic would call a .docx "Microsoft OOXML" or "Zip archive" without
looking for the parts or the macros, so the few formats accepted here are checked directly.

A PDF is also opened with pypdf and every object in it is read (those in compressed object
streams too, so no byte pattern can hide one): a PDF with JavaScript, an action that launches a
program or an embedded file is refused, since reviewers open these files. So is one that pypdf
cannot read or that needs a password to open (its content could not be checked); one that opens
without a password (only restricted against printing or copying) is checked like any other.
"""

import re
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# What makes a PDF active: reason -> what the refusal says the PDF contains.
ACTIVE_CONTENT = {
    "javascript": gettext_lazy("JavaScript"),
    "launch": gettext_lazy("an action that launches a program"),
    "embedded_file": gettext_lazy("embedded files"),
}
# A PDF of more objects than this is not walked (a 20 MB file of real pages has far fewer).
PDF_MAX_OBJECTS = 500_000


def _active_content(dictionary) -> str | None:
    """Which ACTIVE_CONTENT reason one PDF dictionary gives, if any."""
    from pypdf.generic import IndirectObject

    def raw(key):
        value = dict.get(dictionary, key)
        return value.get_object() if isinstance(value, IndirectObject) else value

    keys = set(dictionary.keys())
    # a JavaScript action (/S /JavaScript /JS ...), the document's /Names /JavaScript tree, or
    # JavaScript hung on any other action (/OpenAction, /AA of the catalog, a page or a field)
    if keys & {"/JS", "/JavaScript"} or raw("/S") == "/JavaScript":
        return "javascript"
    if raw("/S") == "/Launch":
        return "launch"
    # the /Names /EmbeddedFiles tree, a file specification with its file (/EF), the file's own
    # stream, or a file attachment annotation on a page
    if (
        keys & {"/EmbeddedFiles", "/EF"}
        or raw("/Type") == "/EmbeddedFile"
        or raw("/Subtype") == "/FileAttachment"
    ):
        return "embedded_file"
    return None


def _pdf_refusal(reader) -> str | None:
    """The first ACTIVE_CONTENT reason found in the PDF: every object reachable from its trailer
    and every object its cross-reference tables list, each read once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    pending: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending += [IndirectObject(n, generation, reader) for n in numbers]
    pending += [IndirectObject(n, 0, reader) for n in reader.xref_objStm]
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects to check")
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # stream dictionaries included
            reason = _active_content(item)
            if reason:
                return reason
            pending.extend(dict.values(item))  # as stored: references stay unresolved
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return None


def check_pdf(upload) -> None:
    """Refuse a PDF with active content, or one whose content cannot be read and checked."""
    from pypdf import PasswordType, PdfReader

    unreadable = ValidationError(
        _(
            "This PDF cannot be read, so its content cannot be checked; it may be damaged. "
            "Save it again as a PDF and upload that."
        ),
        code="pdf_unreadable",
    )
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)  # tries the empty password itself
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise ValidationError(
                _(
                    "This PDF is protected by a password to open it, so its content cannot be "
                    "checked. Remove the password and upload it again."
                ),
                code="pdf_encrypted",
            )
        reason = _pdf_refusal(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds for a damaged or hostile file
        raise unreadable from None
    finally:
        upload.seek(0)
    if reason:
        raise ValidationError(
            _(
                "This PDF contains %(what)s. Reviewers open these files, so PDFs with scripts, "
                "program launches or embedded files are not accepted: save or print it again "
                "as a plain PDF and upload that."
            )
            % {"what": ACTIVE_CONTENT[reason]},
            code="pdf_active_content",
        )


def attachment_type(upload) -> str:
    """The checked type of a supporting file ("pdf", "docx", "xlsx", "png", "jpg")."""
    if _is_pdf(upload):
        check_pdf(upload)
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
