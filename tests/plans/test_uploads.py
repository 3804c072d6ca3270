"""Figures and supporting files: the type is decided by the content, not the name; size limits per
file and per plan; safe display names; files kept in private storage and served only through
access-checked views to those who may see the park."""

import io
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import translation

from documents.build import plan_document
from parks.models import AuditEntry
from plans.models import Attachment, Figure
from plans.uploads import safe_filename
from tests.factories import PlanFactory
from tests.parks.helpers import field_error_text, noise_png
from tests.plans.helpers import (
    docx_bytes,
    image_bytes,
    pdf_bytes,
    uploaded,
    xlsx_bytes,
    zip_bytes,
)

NOT_AN_IMAGE = "图件必须是可读取的 PNG 或 JPEG 图片。"
NOT_A_FILE_TYPE = (
    "该文件不是可读取的 PDF、Word（DOCX）、Excel（XLSX）、PNG 或 JPEG 文件。"
    "系统按文件内容而非文件名判断类型。"
)
WRONG_SECTION = "大纲的这一部分不能上传此类文件。"
MB = 1024 * 1024


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


@pytest.fixture
def editor(world, client_for):
    return client_for(world.editor_a)


def add_figure(client, plan, key: str, content: bytes, name: str = "map.png", caption="区位图"):
    return client.post(
        reverse("plans:figure-add", args=[plan.pk, key]),
        {"image": uploaded(name, content, "image/png"), "caption": caption},
    )


def add_attachment(
    client, plan, content: bytes, name: str, key: str = "6.3", category="fourteenth_plan"
):
    return client.post(
        reverse("plans:attachment-add", args=[plan.pk, key]),
        {"file": uploaded(name, content), "category": category, "description": "正式印发稿"},
    )


# --- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "ext"),
    [("PNG", "区位图.png", "png"), ("JPEG", "四至范围.jpg", "jpg"), ("JPEG", "照片.jpeg", "jpg")],
)
def test_png_and_jpeg_figures_are_accepted_with_their_size(world, editor, plan_a, fmt, name, ext):
    # given a real image 640×480
    content = image_bytes(fmt, (640, 480))

    # when the editor uploads it to section 1.1 with a caption
    response = add_figure(editor, plan_a, "1.1", content, name=name, caption="园区区位图")

    # then the figures list comes back with it, and it is stored with its pixel size under a
    # random private name of the checked type, its creation audited
    assert response.status_code == 200
    html = response.content.decode()
    figure = Figure.objects.get(plan=plan_a)
    assert (figure.section_key, figure.caption, figure.width, figure.height) == (
        "1.1",
        "园区区位图",
        640,
        480,
    )
    assert "园区区位图" in html and "640×480" in html
    assert reverse("plans:figure-image", args=[plan_a.pk, figure.pk]) in html
    assert figure.image.name.startswith(f"figures/{plan_a.pk}/")
    assert figure.image.name.endswith(f".{ext}")
    assert Path(figure.image.name).stem != Path(name).stem
    assert AuditEntry.objects.filter(target_type__model="figure", action="create").count() == 1


def test_a_png_named_jpg_is_stored_and_served_as_png(world, editor, plan_a):
    # given a PNG whose name says JPEG
    content = image_bytes("PNG")

    # when it is uploaded and then shown
    add_figure(editor, plan_a, "1.1", content, name="地图.jpg")
    figure = Figure.objects.get()
    response = editor.get(reverse("plans:figure-image", args=[plan_a.pk, figure.pk]))

    # then its content decided: stored as .png and served as image/png
    assert figure.image.name.endswith(".png")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("区位图.png", "这不是图片，只是文字。".encode()),
        ("区位图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200),  # a PNG signature, nothing behind it
        (
            "区位图.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("区位图.png", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9"/></svg>'),
        ("区位图.gif", None),  # a real GIF: not one of the accepted types
        ("区位图.pdf", None),  # a real PDF
    ],
    ids=["text named png", "truncated png", "svg with script", "svg named png", "gif", "pdf"],
)
def test_anything_but_a_readable_png_or_jpeg_figure_is_refused(
    world, editor, plan_a, name, content
):
    # given a file that is not a decodable PNG or JPEG, whatever its name
    if content is None:
        content = image_bytes("GIF") if name.endswith(".gif") else pdf_bytes()

    # when it is uploaded as a figure
    response = add_figure(editor, plan_a, "1.1", content, name=name)

    # then the Chinese message is next to the file field and nothing is stored
    assert field_error_text(response.content.decode(), "image") == NOT_AN_IMAGE
    assert not Figure.objects.exists()


def test_figure_over_10_mb_is_refused(world, editor, plan_a):
    # given a real PNG of more than 11 MB
    content = noise_png(11 * MB)

    # when it is uploaded as a figure
    response = add_figure(editor, plan_a, "1.1", content)

    # then the message names the 10 MB limit, and nothing is stored
    message = field_error_text(response.content.decode(), "image")
    assert "超过了 10 MB 的上限" in message
    assert message.startswith("文件大小为 1")
    assert not Figure.objects.exists()


def test_figure_in_a_section_without_figures_is_refused(world, editor, plan_a):
    # given the preface, which takes text only

    # when a figure is uploaded to it
    response = add_figure(editor, plan_a, "preface", image_bytes())

    # then the Chinese message says so and nothing is stored
    assert WRONG_SECTION in response.content.decode()
    assert not Figure.objects.exists()


def test_figure_without_caption_is_refused(world, editor, plan_a):
    # given a valid image but no caption

    # when it is uploaded
    response = add_figure(editor, plan_a, "1.1", image_bytes(), caption="")

    # then the caption is required, in Chinese
    assert field_error_text(response.content.decode(), "caption") == "这个字段是必填项。"
    assert not Figure.objects.exists()


def test_figures_are_numbered_per_chapter_in_document_order(world, editor, plan_a):
    # given two maps uploaded to 1.1, one chart to 2.2 and one to 4.2
    for caption in ("区位图", "四至范围图"):
        add_figure(editor, plan_a, "1.1", image_bytes(), caption=caption)
    add_figure(editor, plan_a, "2.2", image_bytes(), caption="绿色技术专利趋势")
    add_figure(editor, plan_a, "4.2", image_bytes(), caption="碳达峰路线图")

    # when the document is assembled
    figures = plan_document(plan_a).figures

    # then 1.1 has 图1-1 and 图1-2, 2.2 has 图2-1 and 4.2 has 图4-1
    assert {
        key: [(f.label, f.figure.caption) for f in numbered] for key, numbered in figures.items()
    } == {
        "1.1": [("图1-1", "区位图"), ("图1-2", "四至范围图")],
        "2.2": [("图2-1", "绿色技术专利趋势")],
        "4.2": [("图4-1", "碳达峰路线图")],
    }


def test_moving_a_figure_renumbers_it(world, editor, plan_a):
    # given two maps in 1.1
    for caption in ("区位图", "四至范围图"):
        add_figure(editor, plan_a, "1.1", image_bytes(), caption=caption)
    second = Figure.objects.get(caption="四至范围图")

    # when the second is moved up
    response = editor.post(
        reverse("plans:row-move", args=[plan_a.pk, "figures", second.pk]), {"direction": "up"}
    )

    # then the figures list comes back, and the second is now 图1-1
    assert 'id="files-figures"' in response.content.decode()
    labels = [(f.label, f.figure.caption) for f in plan_document(plan_a).figures["1.1"]]
    assert labels == [("图1-1", "四至范围图"), ("图1-2", "区位图")]


def test_editing_a_caption_and_removing_a_figure(world, editor, plan_a):
    # given a figure in 1.1
    add_figure(editor, plan_a, "1.1", image_bytes(), caption="区位图")
    figure = Figure.objects.get()
    stored = figure.image.name

    # when its caption is changed, and then it is removed
    edited = editor.post(
        reverse("plans:row-edit", args=[plan_a.pk, "figures", figure.pk]),
        {"caption": "园区区位图（2020年）", "revision": "0"},
    )
    figure.refresh_from_db()
    caption = figure.caption
    removed = editor.post(
        reverse("plans:row-delete", args=[plan_a.pk, "figures", figure.pk]), {"revision": "1"}
    )

    # then the list shows the new caption, then no figure; the file itself is kept (submitted
    # versions may refer to it)
    assert caption == "园区区位图（2020年）"
    assert "园区区位图（2020年）" in edited.content.decode()
    assert "尚未上传图件。" in removed.content.decode()
    assert not Figure.objects.exists()
    assert storages["private"].exists(stored)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("editor_a", 200),
        ("manager_a", 200),
        ("reviewer_a", 200),
        ("national", 200),
        ("editor_b", 404),
        ("reviewer_b", 404),
    ],
)
def test_figure_image_is_served_only_to_those_who_may_see_the_park(
    world, client_for, plan_a, persona, status
):
    # given a figure of park A
    content = image_bytes("JPEG")
    add_figure(client_for(world.editor_a), plan_a, "1.1", content, name="照片.jpg")
    figure = Figure.objects.get()

    # when a user asks for the image
    response = client_for(getattr(world, persona)).get(
        reverse("plans:figure-image", args=[plan_a.pk, figure.pk])
    )

    # then only those who may see park A get it, as it was uploaded, not cached publicly
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content) == content


def test_figure_image_sends_anonymous_visitors_to_log_in(world, client_for, client, plan_a):
    # given a figure of park A
    add_figure(client_for(world.editor_a), plan_a, "1.1", image_bytes())
    figure = Figure.objects.get()
    client.logout()

    # when someone not logged in asks for it
    response = client.get(reverse("plans:figure-image", args=[plan_a.pk, figure.pk]))

    # then they are sent to log in
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_reviewer_may_not_upload_a_figure(world, client_for, plan_a):
    # given province A's reviewer

    # when they upload a figure to park A's plan
    response = add_figure(client_for(world.reviewer_a), plan_a, "1.1", image_bytes())

    # then it is a missing right and nothing is stored
    assert response.status_code == 403
    assert not Figure.objects.exists()


# --- supporting files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "file_type"),
    [
        ("园区“十四五”规划.pdf", pdf_bytes, "pdf"),
        ("环境质量报告书.docx", docx_bytes, "docx"),
        ("能源消费量表.xlsx", xlsx_bytes, "xlsx"),
        ("土地利用现状图.png", lambda: image_bytes("PNG"), "png"),
        ("现场照片.jpg", lambda: image_bytes("JPEG"), "jpg"),
    ],
)
def test_pdf_docx_xlsx_png_and_jpeg_files_are_accepted(
    world, editor, plan_a, name, make, file_type
):
    # given a real file of an accepted type
    content = make()

    # when it is uploaded to 6.3 as the 十四五 plan
    response = add_attachment(editor, plan_a, content, name)

    # then the list comes back with it, and it is stored with its checked type, size and name
    assert response.status_code == 200
    attachment = Attachment.objects.get(plan=plan_a)
    assert (attachment.file_type, attachment.size, attachment.filename) == (
        file_type,
        len(content),
        name,
    )
    assert (attachment.category, attachment.description, attachment.uploaded_by) == (
        "fourteenth_plan",
        "正式印发稿",
        world.editor_a,
    )
    assert attachment.file.name.endswith(f".{file_type}")
    html = response.content.decode()
    assert name in html and "园区“十四五”规划" in html  # the category's label
    assert AuditEntry.objects.filter(target_type__model="attachment", action="create").exists()


def test_a_docx_that_is_really_a_pdf_is_stored_as_a_pdf(world, editor, plan_a):
    # given a PDF whose name says Word
    content = pdf_bytes()

    # when it is uploaded
    add_attachment(editor, plan_a, content, "环境影响跟踪评价报告.docx", category="eia_tracking")

    # then the content decided: type pdf, a name ending .pdf, stored as .pdf
    attachment = Attachment.objects.get()
    assert attachment.file_type == "pdf"
    assert attachment.filename == "环境影响跟踪评价报告.pdf"
    assert attachment.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("规划.pdf", zip_bytes({"readme.txt": "只是一个压缩包"})),
        ("规划.docx", zip_bytes({"word/document.xml": "<w:document/>"})),  # no [Content_Types]
        ("规划.docx", zip_bytes({"[Content_Types].xml": "<Types/>", "_rels/.rels": ""})),
        ("规划.docm", docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
        ("规划.docx", docx_bytes({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
        ("规划.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),  # no %%EOF: truncated
        ("规划.pdf", "园区十四五规划正文".encode()),
        ("规划.exe", b"MZ\x90\x00\x03" + b"\x00" * 500),
        ("规划.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
    ids=[
        "zip named pdf",
        "zip without content types",
        "package without main part",
        "macro-enabled docm",
        "macro-enabled named docx",
        "truncated pdf",
        "text named pdf",
        "executable",
        "svg",
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(world, editor, plan_a, name, content):
    # given a file that is not a readable PDF, DOCX, XLSX, PNG or JPEG, or carries macros

    # when it is uploaded
    response = add_attachment(editor, plan_a, content, name)

    # then the Chinese message is next to the file field, and nothing is stored
    assert field_error_text(response.content.decode(), "file") == NOT_A_FILE_TYPE
    assert not Attachment.objects.exists()


def test_file_over_30_mb_is_refused(world, editor, plan_a):
    # given a 31 MB PDF
    content = pdf_bytes(padding=31 * MB)

    # when it is uploaded
    response = add_attachment(editor, plan_a, content, "规划.pdf")

    # then the message names the 30 MB limit, and nothing is stored
    assert field_error_text(response.content.decode(), "file") == (
        "文件大小为 31 MB，超过了 30 MB 的上限。"
    )
    assert not Attachment.objects.exists()


def test_files_over_the_plans_total_limit_are_refused(world, editor, plan_a, settings):
    # given a plan limited to 1 MB of supporting files, with 0.6 MB already uploaded
    settings.PLAN_ATTACHMENTS_MAX_BYTES = 1 * MB
    first = pdf_bytes(padding=int(0.6 * MB))
    assert add_attachment(editor, plan_a, first, "规划.pdf").status_code == 200

    # when another 0.6 MB file is uploaded
    response = add_attachment(editor, plan_a, pdf_bytes(padding=int(0.6 * MB)), "报告书.pdf")

    # then it is refused with the Chinese message naming the limit and what is used; the first
    # file stays
    assert field_error_text(response.content.decode(), "file") == (
        "本方案的支撑材料总大小将超过 1 MB（已用 0.6 MB）。请删除部分文件或上传较小的文件。"
    )
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["规划.pdf"]


def test_the_total_limit_counts_only_this_plans_files(world, client_for, plan_a, settings):
    # given a 1 MB limit per plan, and park B's plan holding 0.6 MB
    settings.PLAN_ATTACHMENTS_MAX_BYTES = 1 * MB
    plan_b = PlanFactory(park=world.park_b)
    add_attachment(client_for(world.editor_b), plan_b, pdf_bytes(padding=int(0.6 * MB)), "b.pdf")

    # when park A uploads 0.6 MB
    response = add_attachment(
        client_for(world.editor_a), plan_a, pdf_bytes(padding=int(0.6 * MB)), "a.pdf"
    )

    # then it is accepted
    assert field_error_text(response.content.decode(), "file") == ""
    assert Attachment.objects.filter(plan=plan_a).count() == 1


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("报告\x00\x1f\x7f名.pdf", "报告名.pdf"),
        ('a<b>:c"d|e?f*.pdf', "a_b_c_d_e_f.pdf"),
        ("  园区   规划  .pdf", "园区 规划.pdf"),
        ("....pdf", "附件.pdf"),
        ("报告", "报告.pdf"),
        ("报告.PDF", "报告.pdf"),
        ("园区环境质量报告书（2020年度）.pdf", None),
    ],
)
def test_file_names_are_made_safe(world, editor, plan_a, typed, stored):
    # given a file name with a path, control or reserved characters, or no extension

    # when a PDF with that name is uploaded
    add_attachment(editor, plan_a, pdf_bytes(), typed)

    # then the name shown and offered for download is safe and ends in the checked type
    filename = Attachment.objects.get().filename
    if stored is not None:
        assert filename == stored
    assert "/" not in filename and "\\" not in filename and ".." not in filename
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in filename)
    assert filename.endswith(".pdf")


def test_chinese_punctuation_in_a_file_name_stays_readable(world, editor, plan_a):
    # given a typical Chinese file name with curly quotes and full-width brackets
    typed = "园区“十四五”规划（2021-2025）.pdf"

    # when it is uploaded
    add_attachment(editor, plan_a, pdf_bytes(), typed)

    # then the name is kept readable: Chinese words, quotes and the years are all there (the
    # brackets may be normalised to their ASCII form)
    assert Attachment.objects.get().filename in (typed, "园区“十四五”规划(2021-2025).pdf")


@pytest.mark.parametrize(
    "typed",
    ["报告\x9b名.pdf", "invoice\u202excod.pdf", "报告\u200b名.pdf"],
    ids=["c1", "bidi", "zwsp"],
)
def test_invisible_control_characters_never_reach_the_file_name(world, editor, plan_a, typed):
    # given a name with a C1 control, a right-to-left override (which could disguise the
    # extension) or a zero-width space in it

    # when a PDF with that name is uploaded
    add_attachment(editor, plan_a, pdf_bytes(), typed)

    # then no control or format character is left in the name shown and downloaded
    filename = Attachment.objects.get().filename
    assert [ch for ch in filename if unicodedata.category(ch) in ("Cc", "Cf")] == []
    assert filename.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "ext", "safe"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\园区\\规划.docx", "docx", "规划.docx"),
        ("报告\x00\x1f名.pdf", "pdf", "报告_名.pdf"),
        ("ｒｅｐｏｒｔ．ｐｄｆ", "pdf", "report.pdf"),
        ("报告.docx", "pdf", "报告.pdf"),
        ("", "xlsx", "附件.xlsx"),
    ],
)
def test_safe_filename_for_callers_other_than_the_upload_form(name, ext, safe):
    # given a name as a service caller (an import, a script) might pass it, unfiltered

    # when it is made safe for the checked type (the translation is active in views only)
    with translation.override("zh-hans"):
        result = safe_filename(name, ext)

    # then there is no path, no control character, and the checked extension
    assert result == safe


def test_download_offers_the_file_as_an_attachment_with_its_name(world, client_for, plan_a):
    # given a PDF uploaded with a Chinese name
    content = pdf_bytes()
    add_attachment(client_for(world.editor_a), plan_a, content, "园区土地集约利用报告.pdf")
    attachment = Attachment.objects.get()

    # when province A's reviewer downloads it
    response = client_for(world.reviewer_a).get(
        reverse("plans:attachment-download", args=[plan_a.pk, attachment.pk])
    )

    # then it comes as a download named as shown, with the checked type and the same bytes
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=utf-8''", 1)[1]) == "园区土地集约利用报告.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_office_files_download_with_their_content_type(world, editor, plan_a, make, content_type):
    # given a Word or Excel file uploaded under 6.4
    content = make()
    add_attachment(editor, plan_a, content, "支撑材料", key="6.4", category="other")
    attachment = Attachment.objects.get()

    # when it is downloaded
    response = editor.get(reverse("plans:attachment-download", args=[plan_a.pk, attachment.pk]))

    # then the type is the Office one, and the file still opens as the same package
    assert response["Content-Type"] == content_type
    body = b"".join(response.streaming_content)
    assert body == content
    assert "[Content_Types].xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()


def test_files_live_in_private_storage_and_no_url_serves_them(world, editor, plan_a):
    # given a figure and a supporting file
    add_figure(editor, plan_a, "1.1", image_bytes())
    add_attachment(editor, plan_a, pdf_bytes(), "规划.pdf")
    figure, attachment = Figure.objects.get(), Attachment.objects.get()

    # when their stored names are requested as URLs, the way a public MEDIA_URL would serve them
    private = storages["private"]
    direct = [
        editor.get("/" + figure.image.name).status_code,
        editor.get("/" + attachment.file.name).status_code,
        editor.get("/media/" + attachment.file.name).status_code,
    ]

    # then both are in the private storage under random names, and no URL serves them directly
    assert figure.image.storage.location == private.location
    assert attachment.file.storage.location == private.location
    assert private.exists(figure.image.name) and private.exists(attachment.file.name)
    assert "规划" not in attachment.file.name
    assert direct == [404, 404, 404]


def test_an_attachment_category_must_be_one_of_the_sections(world, editor, plan_a):
    # given 6.3, whose categories are the four reports

    # when a file is uploaded under 6.4's category "other"
    response = add_attachment(editor, plan_a, pdf_bytes(), "规划.pdf", category="other")

    # then the category is refused next to its field, in Chinese, and nothing is stored
    assert field_error_text(response.content.decode(), "category").startswith("选择一个有效的选项")
    assert not Attachment.objects.exists()


def test_attachments_to_a_text_section_are_refused(world, editor, plan_a):
    # given section 1.1, which takes text and figures, no supporting files

    # when a file is posted to it
    response = add_attachment(editor, plan_a, pdf_bytes(), "规划.pdf", key="1.1")

    # then nothing is stored and the form says no kind of material fits
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert field_error_text(response.content.decode(), "category").startswith("选择一个有效的选项")


def test_removing_an_attachment(world, editor, plan_a):
    # given a supporting file
    add_attachment(editor, plan_a, pdf_bytes(), "规划.pdf")
    attachment = Attachment.objects.get()

    # when it is removed with the revision shown
    response = editor.post(
        reverse("plans:row-delete", args=[plan_a.pk, "attachments", attachment.pk]),
        {"revision": "0"},
    )

    # then the list comes back without it, and the removal is audited
    assert 'id="files-attachments"' in response.content.decode()
    assert "规划.pdf" not in response.content.decode()
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(target_type__model="attachment", action="delete").exists()
