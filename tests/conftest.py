"""Standing personas: park A manager and editor, park B editor, park A's provincial reviewer,
another province's reviewer, a national reviewer and a national admin."""

import os
from types import SimpleNamespace

import pytest

from tests.factories import CycleFactory, ParkFactory, ProvinceFactory, UserFactory
from tests.live import CHROMIUM, CHROMIUM_ARGS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    province_a = ProvinceFactory(
        code="320000", name="江苏省", short_name="江苏", reviewing_body="江苏省科学技术厅"
    )
    province_b = ProvinceFactory(
        code="330000", name="浙江省", short_name="浙江", reviewing_body="浙江省科学技术厅"
    )
    park_a = ParkFactory(name="苏州工业园区", province=province_a, district="虎丘区")
    park_b = ParkFactory(name="杭州高新技术产业开发区", province=province_b, district="滨江区")
    return SimpleNamespace(
        cycle=CycleFactory(),
        province_a=province_a,
        province_b=province_b,
        park_a=park_a,
        park_b=park_b,
        manager_a=UserFactory(park_manager=True, park=park_a, username="manager_a"),
        editor_a=UserFactory(park_editor=True, park=park_a, username="editor_a"),
        editor_b=UserFactory(park_editor=True, park=park_b, username="editor_b"),
        reviewer_a=UserFactory(province_reviewer=True, province=province_a, username="reviewer_a"),
        reviewer_b=UserFactory(province_reviewer=True, province=province_b, username="reviewer_b"),
        national=UserFactory(national_reviewer=True, username="national"),
        admin=UserFactory(national_admin=True, username="admin"),
    )


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- Playwright with Debian's Chromium (never a downloaded browser) ---------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": list(CHROMIUM_ARGS),
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


# --- indicators -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """The seeded indicator catalogue and default coefficient set, present in any test order
    (browser tests flush the database, migration-seeded rows included)."""
    from indicators.models import Indicator
    from tests.factories import ensure_catalogue

    coefficient_set = ensure_catalogue()
    return SimpleNamespace(
        coefficient_set=coefficient_set,
        indicator=lambda code: Indicator.objects.get(code=code),
        required=list(Indicator.objects.filter(required=True, is_active=True)),
    )


@pytest.fixture(autouse=True)
def pdf_rendering(request, settings):
    """Production renders a PDF (1-3 s with WeasyPrint) on every submission and approval. Tests
    marked `pdf` do too; the hundreds of other tests that submit plans leave it out, through the
    operator's switch (portal.settings.PDF_RENDER_ON_TRANSITION)."""
    settings.PDF_RENDER_ON_TRANSITION = request.node.get_closest_marker("pdf") is not None


@pytest.fixture
def live_worker():
    """A real Celery worker sharing the test database and private files (CI; skipped with the
    reason where no Redis or PostgreSQL runs)."""
    from django.conf import settings
    from django.db import connection

    from tests.live import celery_worker, require, shared_database_url

    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a worker")
    require(connection.vendor == "postgresql", "the worker needs a database it can share")
    env = {"DATABASE_URL": shared_database_url(), "MEDIA_ROOT": settings.MEDIA_ROOT}
    with celery_worker(env=env) as process:
        yield process


@pytest.fixture
def writes(django_capture_on_commit_callbacks):
    """Run a write as a request does: its after-commit steps (core.fragments' second bump) run
    too."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


@pytest.fixture
def shared_cache(settings):
    """The cache as every process shares it with Redis (settings.CACHE_SHARED): what a write must
    forget is kept (core.cache.kept). The cache is this test's own: cleared before and after."""
    from django.core.cache import cache

    settings.CACHE_SHARED = True
    cache.clear()
    yield cache
    cache.clear()
