import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.live import require

REPO = Path(settings.BASE_DIR)


def test_every_message_is_translated_into_chinese(tmp_path, monkeypatch):
    # given: a copy of the zh_Hans catalogue, refreshed from the sources as makemessages does.
    # It runs in a scratch directory that links to the sources: run in the repository,
    # makemessages would rewrite the repository's own catalogue (it writes into ./locale).
    require(shutil.which("msgattrib") is not None, "GNU gettext is not installed")
    skip = {"locale", "tests", ".git", ".venv", "staticfiles", "test-results", "var"}
    for source in REPO.iterdir():
        if source.name not in skip:
            (tmp_path / source.name).symlink_to(source)
    locale = tmp_path / "locale"
    shutil.copytree(REPO / "locale", locale)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            symlinks=True,
            ignore_patterns=[".venv", "staticfiles", "test-results", "tests"],
            verbosity=0,
        )
    po = locale / "zh_Hans" / "LC_MESSAGES" / "django.po"
    assert 'msgid "Park information"' in po.read_text(encoding="utf-8")
    # when
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # then
    missing = [line for line in (untranslated + fuzzy).splitlines() if line.startswith("msgid ")]
    assert missing == [], f"untranslated or fuzzy zh_Hans messages: {missing}"


def test_pages_answer_in_english_when_the_user_chooses_it(client, db):
    # given
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    response = client.get("/accounts/login/")
    # then
    assert "Log in" in response.content.decode()
    assert "登录" not in response.content.decode()


def test_language_switcher_sets_the_cookie(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
