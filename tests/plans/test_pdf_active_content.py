"""Supporting PDFs with active content (issue 12, finding 8): a PDF that carries JavaScript, an
action that launches a program or an embedded file is refused with a Chinese message next to the
file field, and so is one whose content cannot be read; what the user typed stays in the form.
The PDFs are built here with pypdf, or by hand where pypdf would not write them so."""

import io
import zlib

import pytest
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from plans.models import Attachment
from tests.factories import PlanFactory
from tests.parks.helpers import field_error_text
from tests.plans.helpers import form_values, uploaded

ACTIVE = (
    "该 PDF 含有{what}。审核人员会打开这些文件，因此不接受含有脚本、启动程序动作或嵌入文件的 PDF："
    "请将其另存为或打印为普通 PDF 后重新上传。"
)
JAVASCRIPT = ACTIVE.format(what="JavaScript 脚本")
LAUNCH = ACTIVE.format(what="启动外部程序的动作")
EMBEDDED = ACTIVE.format(what="嵌入的文件")
PASSWORD = "该 PDF 需要密码才能打开，系统无法检查其内容。请取消打开密码后重新上传。"
UNREADABLE = "无法读取该 PDF，系统无法检查其内容，文件可能已损坏。请重新另存为 PDF 后上传。"


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


@pytest.fixture
def editor(world, client_for):
    return client_for(world.editor_a)


def add_attachment(client, plan, content: bytes, name: str = "十四五规划.pdf"):
    return client.post(
        reverse("plans:attachment-add", args=[plan.pk, "6.3"]),
        {
            "file": uploaded(name, content, "application/pdf"),
            "category": "fourteenth_plan",
            "description": "园区“十四五”规划正式印发稿",
        },
    )


# --- PDFs ---------------------------------------------------------------------------------------


def name(value: str) -> NameObject:
    return NameObject(value)


def action(kind: str, **entries) -> DictionaryObject:
    fields = {name(key): value for key, value in entries.items()}
    return DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind), **fields})


def javascript(code: str = "app.alert('已打开');") -> DictionaryObject:
    return action("/JavaScript", **{"/JS": TextStringObject(code)})


def launch() -> DictionaryObject:
    return action("/Launch", **{"/F": TextStringObject("C:\\Windows\\System32\\cmd.exe")})


def written(change=None, *, password: tuple[str, str] | None = None) -> bytes:
    """A one-page PDF made by pypdf, after `change(writer)`."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change:
        change(writer)
    if password:
        user, owner = password
        writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(value):
    def change(writer):
        writer.root_object[name("/OpenAction")] = value

    return change


def document_javascript(writer):
    tree = DictionaryObject({name("/Names"): ArrayObject([TextStringObject("打开"), javascript()])})
    writer.root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): tree})


def page_action_javascript(writer):
    writer.pages[0][name("/AA")] = DictionaryObject({name("/O"): javascript()})


def launch_on_a_link(writer):
    link = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 300, 720)]),
            name("/A"): launch(),
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([link])


def embedded_file(writer):
    writer.add_attachment("数据.xlsm", b"PK\x03\x04 macro workbook")


def file_attachment_annotation(writer):
    spec = DictionaryObject(
        {name("/Type"): name("/Filespec"), name("/F"): TextStringObject("run.bat")}
    )
    note = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/FileAttachment"),
            name("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 90, 720)]),
            name("/FS"): spec,
        }
    )
    writer.pages[0][name("/Annots")] = ArrayObject([note])


def by_hand(objects: list[bytes], *, root: int = 1) -> bytes:
    """A PDF of `objects` (numbered from 1) with a classic cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


PAGES = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def escaped_names() -> bytes:
    """The OpenAction's JavaScript spelled with #-escapes in its names (/Java#53cript, /J#53),
    which a byte search for "JavaScript" misses; readers decode them."""
    return by_hand(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            *PAGES,
            b"<< /S /Java#53cript /J#53 (app.alert\\(1\\)) >>",
        ]
    )


def in_an_object_stream() -> bytes:
    """The OpenAction's JavaScript compressed into an object stream, found through a
    cross-reference stream: no byte of the file says JavaScript."""
    hidden = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    header = b"4 0 "
    packed = zlib.compress(header + hidden)
    bodies = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: PAGES[0],
        3: PAGES[1],
        5: b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets[6] = out.tell()
    rows = [(0, 0, 65535)]
    rows += [(1, offsets[n], 0) for n in (1, 2, 3)]
    rows += [(2, 5, 0), (1, offsets[5], 0), (1, offsets[6], 0)]  # 4 is object 0 of stream 5
    table = b"".join(
        kind.to_bytes(1, "big") + field.to_bytes(4, "big") + gen.to_bytes(2, "big")
        for kind, field, gen in rows
    )
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[6])
    content = out.getvalue()
    assert b"JavaScript" not in content
    return content


# --- accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        written(),
        written(open_action(action("/URI", **{"/URI": TextStringObject("https://example.cn")}))),
        written(password=("", "只限所有者")),
    ],
    ids=["plain", "opening a link", "restricted by an owner password only"],
)
def test_a_pdf_without_active_content_is_accepted(world, editor, plan_a, content):
    # when a PDF without scripts, launches or embedded files is uploaded
    response = add_attachment(editor, plan_a, content)

    # then it is stored as a PDF
    assert field_error_text(response.content.decode(), "file") == ""
    assert Attachment.objects.get(plan=plan_a).file_type == "pdf"


# --- refused ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (written(open_action(javascript())), JAVASCRIPT),
        (written(document_javascript), JAVASCRIPT),
        (written(page_action_javascript), JAVASCRIPT),
        (escaped_names(), JAVASCRIPT),
        (in_an_object_stream(), JAVASCRIPT),
        (written(open_action(launch())), LAUNCH),
        (written(launch_on_a_link), LAUNCH),
        (written(embedded_file), EMBEDDED),
        (written(file_attachment_annotation), EMBEDDED),
        (written(password=("打开密码", "所有者密码")), PASSWORD),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", UNREADABLE),
    ],
    ids=[
        "open action javascript",
        "document javascript",
        "page action javascript",
        "javascript with escaped names",
        "javascript in an object stream",
        "launch on opening",
        "launch on a link",
        "embedded file",
        "file attachment annotation",
        "password to open",
        "no cross-reference",
    ],
)
def test_a_pdf_with_active_content_or_unreadable_content_is_refused(
    world, editor, plan_a, content, message
):
    # when the PDF is uploaded as a supporting file
    response = add_attachment(editor, plan_a, content)

    # then the Chinese message is next to the file field, nothing is stored
    html = response.content.decode()
    assert field_error_text(html, "file") == message
    assert not Attachment.objects.exists()
    # and what the user typed stays in the form
    values = form_values(html)
    assert (values["category"], values["description"]) == (
        "fourteenth_plan",
        "园区“十四五”规划正式印发稿",
    )
