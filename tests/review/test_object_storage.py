"""Private files on an S3-compatible object store (S3_BUCKET set; CI starts SeaweedFS with
.ci/object-store): a seal, a figure and a supporting file uploaded, frozen into a version, printed
into its PDF and exported, every one of them an object in the bucket and none on this host's
disk, and each read back only through the access-checked views, streamed. Skipped with the reason
where no object store is configured; CI fails instead."""

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from core.storage import PrivateURLRefused
from plans.models import Attachment, Figure
from plans.status import State
from review.models import PdfDocument
from summaries.models import ExportJob
from tests.live import require
from tests.plans.helpers import image_bytes, pdf_bytes, uploaded
from tests.review.helpers import transition_url

pytestmark = pytest.mark.live_services


@pytest.fixture
def bucket():
    """The private storage, which must be the object store; its keys under this run's folder."""
    require(
        bool(settings.S3_BUCKET),
        'S3_BUCKET is not set: no object store (`eval "$(bash .ci/object-store)"` starts one)',
    )
    from core.object_storage import PrivateS3Storage

    storage = storages["private"]
    assert isinstance(storage, PrivateS3Storage)
    assert storage.location.startswith("test-run-") or "/test-run-" in storage.location

    def keys() -> set[str]:
        prefix = f"{storage.location}/"
        objects = storage.bucket.objects.filter(Prefix=prefix)
        return {item.key.removeprefix(prefix) for item in objects}

    storage.keys = keys
    return storage


def local_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def streamed(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming  # sent as it is read from the store, never a redirect to it
    # read to the end, as a WSGI server would (closing the response here would fire
    # request_finished, which closes the test's transaction on PostgreSQL)
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return body


@pytest.mark.pdf
def test_uploads_versions_pdfs_and_exports_live_in_the_bucket_and_come_back_through_the_views(
    world, ready_plan, bucket, client_for, django_capture_on_commit_callbacks
):
    # given park A's plan with its seal (stored by the park information form's service), and a
    # figure and a supporting file the editor uploads through the pages
    editor = client_for(world.editor_a)
    figure_bytes, attachment_bytes = image_bytes(), pdf_bytes()
    editor.post(
        reverse("plans:figure-add", args=[ready_plan.pk, "1.1"]),
        {"image": uploaded("区位图.png", figure_bytes, "image/png"), "caption": "园区区位图"},
    )
    editor.post(
        reverse("plans:attachment-add", args=[ready_plan.pk, "6.3"]),
        {
            "file": uploaded("十四五规划.pdf", attachment_bytes),
            "category": "fourteenth_plan",
            "description": "正式印发稿",
        },
    )
    figure = Figure.objects.get(plan=ready_plan, caption="园区区位图")
    attachment = Attachment.objects.get(plan=ready_plan, filename="十四五规划.pdf")
    seal = ready_plan.park.profile.seal

    # when the manager submits (the version is frozen, its PDF rendered once committed) and the
    # national admin exports the submitted plans
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client_for(world.manager_a).post(
            transition_url(ready_plan, "submit"), {"declared": "on"}
        )
    assert submitted.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.admin).post(
            reverse("summaries:exports"),
            {"cycle": world.cycle.code, "states": [State.SUBMITTED]},
        )
    pdf = PdfDocument.objects.get(plan=ready_plan)
    job = ExportJob.objects.get(requested_by=world.admin)
    assert (pdf.state, job.state) == ("done", "done"), (pdf.error, job.error)

    # then every file is an object in the bucket, and nothing was kept on this host's disk
    names = {seal.name, figure.image.name, attachment.file.name, pdf.file.name, job.file.name}
    assert names <= bucket.keys()
    assert local_files() == []

    # and each comes back, byte for byte, through the views that check who asks
    version = ready_plan.versions.get()
    reviewer = client_for(world.reviewer_a)

    def version_file(kind: str, item: int) -> str:
        return reverse("review:version-file", args=[ready_plan.pk, version.number, kind, item])

    with seal.open("rb") as handle:
        seal_bytes = handle.read()
    assert streamed(reviewer.get(reverse("parks:seal", args=[world.park_a.pk]))) == seal_bytes
    assert streamed(reviewer.get(version_file("seals", 0))) == seal_bytes
    assert streamed(reviewer.get(version_file("figures", figure.pk))) == figure_bytes
    assert streamed(reviewer.get(version_file("attachments", attachment.pk))) == attachment_bytes
    assert (
        streamed(editor.get(reverse("plans:figure-image", args=[ready_plan.pk, figure.pk])))
        == figure_bytes
    )
    printed = streamed(reviewer.get(reverse("review:pdf", args=[ready_plan.pk, pdf.pk])))
    assert printed.startswith(b"%PDF") and len(printed) == pdf.file.size
    exported = streamed(
        client_for(world.admin).get(reverse("summaries:export-download", args=[job.pk]))
    )
    assert exported[:2] == b"PK"
    # ... and not to a park that may not see them
    outsider = client_for(world.editor_b)
    assert outsider.get(version_file("figures", figure.pk)).status_code == 404


def test_the_bucket_refuses_to_serve_a_file_to_anyone_without_the_portals_key(bucket):
    # given a stored file
    name = bucket.save("attachments/test/plan.pdf", ContentFile(pdf_bytes()))

    # when someone asks the store for it directly, without the portal's key
    address = f"{settings.S3_ENDPOINT_URL}/{settings.S3_BUCKET}/{bucket.location}/{name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(address), timeout=10)

    # then the store refuses, and the portal makes no link to it, public or signed
    assert refused.value.code == 403
    with pytest.raises(PrivateURLRefused):
        bucket.url(name)


def test_a_name_already_taken_gets_a_new_one_and_nothing_is_overwritten(bucket):
    # when two files are saved under the same name
    first = bucket.save("figures/test/map.png", ContentFile(b"first"))
    second = bucket.save("figures/test/map.png", ContentFile(b"second"))

    # then the second gets a name of its own and both are kept
    assert first != second
    with bucket.open(first) as one, bucket.open(second) as two:
        assert (one.read(), two.read()) == (b"first", b"second")


def test_a_stream_of_a_missing_object_is_file_not_found(bucket):
    with pytest.raises(FileNotFoundError):
        bucket.open_stream("figures/test/never-stored.png")
