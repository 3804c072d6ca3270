"""Small helpers for the parks tests: what a user types into the park information form, images
made with Pillow, and readers for the HTML the user gets back."""

import io
import os
import re
from html import unescape
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

# Everything a park types into part 一, as strings, each value distinct so that a value found in
# the re-rendered page can only have come from its own field.
TYPED_PROFILE = {
    "city": "苏州市",
    "address": "江苏省苏州市工业园区星湖街 328 号",
    "postcode": "215021",
    "founded_on": "1994-02-26",
    "head_name": "张志远",
    "head_title": "管委会主任",
    "head_landline": "0512-66680000",
    "head_mobile": "13912340001",
    "head_email": "head@sip.example.cn",
    "head_fax": "0512-66680001",
    "dept_name": "生态环境局",
    "dept_head_name": "李清源",
    "dept_head_landline": "0512-66681000",
    "dept_head_mobile": "13912340002",
    "dept_head_email": "eco@sip.example.cn",
    "dept_head_fax": "0512-66681001",
    "contact_name": "王小青",
    "contact_landline": "0512-66681002-8",
    "contact_mobile": "13912340003",
    "contact_email": "contact@sip.example.cn",
    "contact_fax": "0512-66681003",
    "filled_on": "2021-06-30",
}


def profile_url(park) -> str:
    return reverse("parks:profile-edit", args=[park.pk])


def profile_post(client, park, *, revision: int, seal=None, **typed):
    """POST the park information form as a browser does: every field, the hidden revision."""
    data = {**TYPED_PROFILE, **typed, "revision": revision}
    if seal is not None:
        data["seal"] = seal
    return client.post(profile_url(park), data)


# --- images -----------------------------------------------------------------------------------


def seal_png(size: int = 96) -> bytes:
    """A red ring on a fully transparent background (RGBA), like a scanned seal cut out."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=(200, 16, 16, 230), width=6)
    return _encode(image, "PNG")


def seal_jpeg(size: int = 96) -> bytes:
    image = Image.new("RGB", (size, size), (255, 255, 255))
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=(200, 16, 16), width=6)
    return _encode(image, "JPEG")


def seal_gif(size: int = 96) -> bytes:
    image = Image.new("P", (size, size), 0)
    ImageDraw.Draw(image).ellipse((4, 4, size - 4, size - 4), outline=1, width=6)
    return _encode(image, "GIF")


def noise_png(min_bytes: int) -> bytes:
    """A real, decodable PNG of random noise (incompressible) of at least `min_bytes`, with a
    pixel count well under the pixel limit: only the byte-size check can refuse it."""
    side = int((min_bytes / 3) ** 0.5) + 20
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    data = _encode(image, "PNG", compress_level=0)
    assert len(data) > min_bytes
    return data


def _encode(image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- reading the rendered page ----------------------------------------------------------------


class _InputReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"} and attributes.get("id"):
            self.inputs[attributes["id"]] = attributes


def input_values(html: str) -> dict[str, str]:
    """{field name: the value its <input> shows}, read from the page as a browser would."""
    reader = _InputReader()
    reader.feed(html)
    return {
        attributes["name"]: attributes.get("value") or ""
        for attributes in reader.inputs.values()
        if attributes.get("name")
    }


def field_error_text(html: str, field: str) -> str:
    """The text of the error block rendered right under the field `id_<field>` ("" if none)."""
    match = re.search(rf'<div id="id_{re.escape(field)}_error"[^>]*>(.*?)</div>', html, flags=re.S)
    if not match:
        return ""
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def page_text(response) -> str:
    return response.content.decode()
