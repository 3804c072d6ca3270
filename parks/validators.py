"""Field validators for the park information form (template part 一). Messages are shown next to
the field, in Chinese first."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

validate_postcode = RegexValidator(
    r"^\d{6}$", _("A postcode has exactly 6 digits, for example 100081."), code="postcode"
)
validate_mobile = RegexValidator(
    r"^1[3-9]\d{9}$",
    _("A mobile number has 11 digits and starts with 13-19, for example 13812345678."),
    code="mobile",
)
validate_landline = RegexValidator(
    r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$",
    _(
        "Enter the area code and number with an optional extension, "
        "for example 010-12345678 or 010-12345678-123."
    ),
    code="landline",
)


def validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


def normalize_phone(value: str) -> str:
    """Full-width digits and dashes typed with a Chinese IME become ASCII; spaces go."""
    value = unicodedata.normalize("NFKC", value or "")
    for dash in ("—", "–", "－"):
        value = value.replace(dash, "-")
    return re.sub(r"\s+", "", value)


SEAL_FORMATS = {"PNG": "png", "JPEG": "jpg"}


def validate_seal_image(upload) -> str:
    """Decode the upload to prove it is a PNG or JPEG within the limits; return its extension.

    The name and the browser's content type are not trusted: only what Pillow can decode counts.
    """
    from PIL import Image, UnidentifiedImageError

    if upload.size > settings.SEAL_MAX_BYTES:
        raise ValidationError(
            _("The seal image is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": f"{settings.SEAL_MAX_BYTES / 1024 / 1024:.0f}",
            },
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            width, height = image.size
            if fmt not in SEAL_FORMATS:
                raise ValidationError(
                    _("Only PNG or JPEG images are accepted for the seal."), code="format"
                )
            if width * height > settings.SEAL_MAX_PIXELS:
                raise ValidationError(
                    _("The seal image is too large (%(w)s×%(h)s pixels).")
                    % {"w": width, "h": height},
                    code="pixels",
                )
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The file is not a readable PNG or JPEG image."), code="not_image"
        ) from None
    finally:
        upload.seek(0)
    return SEAL_FORMATS[fmt]
