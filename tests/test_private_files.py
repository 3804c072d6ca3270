"""A private file the database names but the storage no longer has (issue 12, finding 6): every
download view answers 404, not 500, and logs the missing storage name (core.files)."""

import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from parks import services as park_services
from plans import services as plan_services
from review.models import PdfDocument
from review.services import version_freeze
from summaries.models import ExportJob
from tests.factories import PlanFactory
from tests.plans.helpers import image_bytes, pdf_bytes, uploaded
from tests.review.conftest import complete_park_profile


@pytest.fixture
def stored_files(world, catalogue):
    """Park A's seal, a figure and a PDF supporting file in its plan, version 1 referring to all
    three, the version's PDF, and a finished export of the national admin: (url, user, storage
    name) of each download, by name."""
    complete_park_profile(world.park_a, world.manager_a)
    seal = park_services.park_profile_get_or_create(park=world.park_a).seal.name
    plan = PlanFactory(park=world.park_a)
    figure = plan_services.figure_add(
        plan=plan,
        section_key="1.1",
        upload=uploaded("区位图.png", image_bytes(), "image/png"),
        caption="园区区位图",
        actor=world.editor_a,
    )
    attachment = plan_services.attachment_add(
        plan=plan,
        section_key="6.3",
        category="fourteenth_plan",
        upload=uploaded("十四五规划.pdf", pdf_bytes()),
        description="正式印发稿",
        actor=world.editor_a,
    )
    version = version_freeze(plan=plan, actor=world.manager_a)
    pdf = PdfDocument.objects.create(
        plan=plan, version=version, kind="submitted", state="done", pages=1
    )
    pdf.file.save("v1-submitted.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    job = ExportJob.objects.create(requested_by=world.admin, cycle=world.cycle.code, state="done")
    job.file.save("export.xlsx", ContentFile(b"PK\x03\x04 workbook"), save=True)

    def version_file(kind: str, item: int) -> str:
        return reverse("review:version-file", args=[plan.pk, version.number, kind, item])

    return {
        "seal": (reverse("parks:seal", args=[world.park_a.pk]), world.reviewer_a, seal),
        "figure": (
            reverse("plans:figure-image", args=[plan.pk, figure.pk]),
            world.editor_a,
            figure.image.name,
        ),
        "attachment": (
            reverse("plans:attachment-download", args=[plan.pk, attachment.pk]),
            world.reviewer_a,
            attachment.file.name,
        ),
        "pdf": (reverse("review:pdf", args=[plan.pk, pdf.pk]), world.national, pdf.file.name),
        "export": (reverse("summaries:export-download", args=[job.pk]), world.admin, job.file.name),
        "version seal": (version_file("seals", 0), world.reviewer_a, seal),
        "version figure": (version_file("figures", figure.pk), world.reviewer_a, figure.image.name),
        "version attachment": (
            version_file("attachments", attachment.pk),
            world.reviewer_a,
            attachment.file.name,
        ),
    }


@pytest.mark.parametrize(
    "download",
    [
        "seal",
        "figure",
        "attachment",
        "pdf",
        "export",
        "version seal",
        "version figure",
        "version attachment",
    ],
)
def test_a_file_missing_from_storage_answers_404_and_is_logged(
    stored_files, client_for, caplog, download
):
    # given a download that works for a user who may have it
    url, user, name = stored_files[download]
    client = client_for(user)
    served = client.get(url)
    assert served.status_code == 200
    # read to the end as a WSGI server would: the test client closes the response then without
    # firing request_finished's close_old_connections, which would close the test's transaction
    # on PostgreSQL
    assert served.getvalue()

    # when its file goes missing from the private storage
    storages["private"].delete(name)
    with caplog.at_level(logging.WARNING, logger="core.files"):
        response = client.get(url)

    # then the user gets a 404, and the log names the missing file
    assert response.status_code == 404
    assert [r.getMessage() for r in caplog.records if r.name == "core.files"] == [
        f"A private file is missing from its storage: {name}"
    ]
