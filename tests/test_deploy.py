"""The deployment files describe web, worker, PostgreSQL and Redis as the settings expect."""

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


def _compose_config(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`compose config` on the shipped file with exactly these variables (an empty env file,
    so a developer's .env beside it does not count)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "POSTGRES_PASSWORD"}}
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    return subprocess.run(
        [*_compose(), "--env-file", str(env_file), *args, "config", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**clean, **env},
    )


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
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MEDIA_ROOT"):
        assert name in example
