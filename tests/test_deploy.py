"""The deployment files describe web, worker, PostgreSQL and Redis as the settings expect."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.conf import settings

REPO = Path(settings.BASE_DIR)


def test_compose_starts_web_worker_postgres_and_redis():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "db", "redis"} <= set(services)
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert "private-files:/data/private" in services[name]["volumes"]
    assert "celery -A portal worker" in services["worker"]["command"]


def _compose() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    pytest.skip("neither `docker compose` nor `docker-compose` is installed")


COMPOSE_VARIABLES = {"SECRET_KEY", "POSTGRES_PASSWORD", "S3_ENDPOINT_URL", "S3_BUCKET"}
COMPOSE_VARIABLES |= {"S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"}


def _compose_config(
    tmp_path, *args: str, quiet: bool = True, **env: str
) -> subprocess.CompletedProcess:
    """`compose config` on the shipped file with exactly these variables (an empty env file,
    so a developer's .env beside it does not count, nor the test run's own S3 settings)."""
    clean = {k: v for k, v in os.environ.items() if k not in COMPOSE_VARIABLES}
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        [*_compose(), "--env-file", str(env_file), *args, "config", *(["-q"] if quiet else [])],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**clean, **env},
    )


SCALE_ENV = {
    "S3_ENDPOINT_URL": "http://objects:8333",
    "S3_BUCKET": "greenplan",
    "S3_ACCESS_KEY_ID": "portal-key",
    "S3_SECRET_ACCESS_KEY": "portal-secret-key",
}
PORTAL_SERVICES = ("web", "web-2", "worker", "worker-2", "beat")


def test_the_scale_profile_runs_two_web_hosts_two_workers_and_the_object_store(tmp_path):
    # when compose reads the file with the scale profile and the object store's settings
    result = _compose_config(
        tmp_path,
        "--profile",
        "scale",
        SECRET_KEY=secrets.token_urlsafe(50),
        POSTGRES_PASSWORD="pw123",
        **SCALE_ENV,
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(
        _compose_config(
            tmp_path,
            "--profile",
            "scale",
            quiet=False,
            SECRET_KEY=secrets.token_urlsafe(50),
            POSTGRES_PASSWORD="pw123",
            **SCALE_ENV,
        ).stdout
    )["services"]

    # then two web hosts and two workers run the same image with the same object store
    assert set(PORTAL_SERVICES) | {"objects", "db", "redis"} <= set(services)
    for name in PORTAL_SERVICES:
        env = services[name]["environment"]
        assert {key: env[key] for key in SCALE_ENV} == SCALE_ENV, name
    assert "gunicorn" in services["web-2"]["command"]
    assert "celery -A portal worker" in services["worker-2"]["command"]
    assert "objects" in services["web-2"]["depends_on"]
    # and the added hosts share no volume: their files are in the store, or they refuse to start
    for name in ("web-2", "worker-2"):
        assert not services[name].get("volumes"), name
        assert services[name]["environment"]["S3_REQUIRED"] == "true"
    # and the store takes the portal's key, creates its bucket, and is reached only inside
    objects = services["objects"]
    assert objects["environment"] == {
        "S3_BUCKET": "greenplan",
        "AWS_ACCESS_KEY_ID": "portal-key",
        "AWS_SECRET_ACCESS_KEY": "portal-secret-key",
    }
    assert "-s3.port=8333" in objects["command"] and not objects.get("ports")


def test_without_the_scale_profile_there_is_one_web_host_and_no_object_store():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    for name in ("web-2", "worker-2", "objects"):
        assert services[name]["profiles"] == ["scale"]


def test_compose_file_validates_with_docker_compose(tmp_path):
    result = _compose_config(
        tmp_path, SECRET_KEY=secrets.token_urlsafe(50), POSTGRES_PASSWORD="pw123"
    )
    assert result.returncode == 0, result.stderr
    demo = _compose_config(
        tmp_path,
        "--profile",
        "demo",
        SECRET_KEY=secrets.token_urlsafe(50),
        POSTGRES_PASSWORD="pw123",
    )
    assert demo.returncode == 0, demo.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "POSTGRES_PASSWORD"])
def test_compose_refuses_to_start_without_a_secret_key_or_a_database_password(tmp_path, missing):
    # given every required variable but one
    env = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "pw123"}
    del env[missing]

    # when compose reads the file
    result = _compose_config(tmp_path, **env)

    # then it stops and names the variable
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_ships_no_secret_and_seeds_demo_users_only_in_the_demo_profile():
    text = (REPO / "docker-compose.yml").read_text()
    services = yaml.safe_load(text)["services"]
    # no published key or password to fall back on
    assert "change-me" not in text
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert env["DEBUG"] == "false"
        assert "DEMO" not in env
        assert "profiles" not in services[name]
    # the web service migrates and serves; the demo users come only with `--profile demo`
    assert "seed_demo" not in services["web"]["command"]
    assert services["demo"]["profiles"] == ["demo"]
    assert services["demo"]["environment"]["DEMO"] == "true"
    assert "seed_demo" in services["demo"]["command"]
    # a developer's .env (DEBUG=true) never ends up in the image
    assert ".env" in (REPO / ".dockerignore").read_text().split()


def test_the_image_installs_every_package_before_it_loads_the_settings():
    # the build loads the settings (build_pdf_fonts) right after `pip install .`, so every
    # package that pyproject.toml installs and INSTALLED_APPS names is copied in before it
    dockerfile = (REPO / "Dockerfile").read_text()
    before_install = dockerfile[: dockerfile.index("RUN pip install .")]
    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    for pattern in packages["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        assert f"COPY {package} ./{package}" in before_install, package


def test_readme_says_how_to_create_the_first_admin_of_a_real_deployment():
    readme = (REPO / "README.md").read_text()
    assert "createsuperuser" in readme
    assert "--profile demo" in readme


# --- settings under production: refuse a known key, pass `check --deploy` ----------------------

PUBLISHED_KEYS = [
    "change-me-in-production",
    "dev-only-insecure-key-change-me-0123456789abcdef",
    "change-me",
]


def _run_with(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """A fresh Python process in the repository with these settings variables and nothing else
    of this test run's environment (which allows async-unsafe calls, has a test key...)."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "PDF_FONT_DIR") if k in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**keep, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        timeout=120,
    )


@pytest.mark.parametrize("key", ["", *PUBLISHED_KEYS], ids=["missing", *PUBLISHED_KEYS])
def test_production_settings_refuse_a_missing_or_published_secret_key(key):
    # when the settings load with DEBUG=false and that key (an empty one stands for none: a
    # developer's .env cannot fill in a variable that is set)
    result = _run_with(["-c", "import portal.settings"], DEBUG="false", SECRET_KEY=key)

    # then they refuse to load
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_settings_on_a_developers_machine_fall_back_to_a_development_key():
    result = _run_with(
        ["-c", "import portal.settings as s; print(bool(s.SECRET_KEY))"],
        DEBUG="true",
        SECRET_KEY="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_check_deploy_finds_nothing_under_production_settings():
    # given production settings: no debug, a key of its own, HTTPS behind a proxy, Redis
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "HTTPS": "true",
        "ALLOWED_HOSTS": "greenplan.example.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }

    # when Django's deployment checklist runs
    result = _run_with(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    # then it has nothing to say (HSTS preload is the domain owner's choice, see settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_env_example_names_every_setting_the_readme_promises():
    example = (REPO / ".env.example").read_text()
    readme = (REPO / "README.md").read_text()
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MEDIA_ROOT"):
        assert name in example
    for name in (*SCALE_ENV, "S3_REGION", "S3_PREFIX"):
        assert name in example and name in readme


# --- private files: a folder of this host, or an object store --------------------------------

STORAGE_OF = (
    "import json; from django.conf import settings; s = settings.STORAGES['private']; "
    "print(json.dumps({'backend': s['BACKEND'], **s.get('OPTIONS', {})}))"
)


def test_with_no_object_store_configured_private_files_stay_in_media_root(tmp_path):
    result = _run_with(
        ["-c", f"import django; django.setup(); {STORAGE_OF}"],
        DEBUG="true",
        MEDIA_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "backend": "core.storage.PrivateFileSystemStorage",
        "location": str(tmp_path),
        "base_url": None,
    }


def test_the_object_store_is_configured_from_the_environment():
    result = _run_with(
        ["-c", f"import django; django.setup(); {STORAGE_OF}"],
        DEBUG="true",
        S3_ENDPOINT_URL="http://objects:8333",
        S3_BUCKET="greenplan",
        S3_ACCESS_KEY_ID="portal-key",
        S3_SECRET_ACCESS_KEY="portal-secret-key",
        S3_PREFIX="/private/",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "backend": "core.object_storage.PrivateS3Storage",
        "bucket_name": "greenplan",
        "endpoint_url": "http://objects:8333",
        "access_key": "portal-key",
        "secret_key": "portal-secret-key",
        "region_name": "us-east-1",
        "location": "private",
        "addressing_style": "path",
    }


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"S3_ENDPOINT_URL": "http://objects:8333"}, "S3_BUCKET"),
        ({"S3_REQUIRED": "true"}, "S3_REQUIRED"),
    ],
    ids=["endpoint without a bucket", "required but missing"],
)
def test_an_object_store_half_configured_or_required_and_missing_refuses_to_start(env, named):
    result = _run_with(["-c", "import portal.settings"], DEBUG="true", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_a_private_storage_makes_no_url_for_a_file(tmp_path):
    from core.object_storage import PrivateS3Storage
    from core.storage import PrivateFileSystemStorage, PrivateURLRefused

    local = PrivateFileSystemStorage(location=str(tmp_path), base_url=None)
    remote = PrivateS3Storage(bucket_name="greenplan", endpoint_url="http://127.0.0.1:9")
    for storage in (local, remote):
        with pytest.raises(PrivateURLRefused):
            storage.url("seals/1/seal.png")
