"""The database drops a web process's kept connection (it restarted, or a proxy cut it): the next
request reconnects instead of answering 500 (issue 17). Runs in CI on PostgreSQL; skipped with
a reason on SQLite, which has no server to lose."""

import io

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.live import require
from tests.spies import calls_of

pytestmark = [pytest.mark.live_services, pytest.mark.django_db(transaction=True)]


def get(path: str) -> int:
    """The status of a GET through the whole WSGI stack, with the request signals that manage
    kept connections (the test client switches those off)."""
    status = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    response = WSGIHandler()(environ, lambda code, headers, *args: status.append(code))
    response.close()  # request_finished: the connection is kept, not closed (CONN_MAX_AGE)
    return int(status[0].split()[0])


def terminate(pid: int) -> None:
    """What a database restart does to one connection."""
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it ended


@pytest.fixture
def kept_connections():
    """The web process as deployed with CONN_MAX_AGE > 0: connections are kept between requests,
    and (settings) checked before a request reuses one."""
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    saved = dict(connection.settings_dict)
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.close()
    yield
    connection.close()
    connection.settings_dict.update(saved)


def test_settings_check_kept_connections_before_reusing_them(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] == (
        settings.DATABASES["default"]["CONN_MAX_AGE"] != 0
    )


def test_after_the_database_drops_the_connection_the_next_request_answers(kept_connections):
    # given a web process that served a request and kept its connection
    assert get("/healthz") == 200
    pid = connection.connection.info.backend_pid

    # when the database ends that connection
    terminate(pid)

    # then the next request reconnects and answers, on a new connection
    assert get("/healthz") == 200
    assert connection.connection.info.backend_pid != pid


@pytest.fixture
def round_trip_checks(monkeypatch):
    """Counts the health checks that ask the server (Django's SELECT 1)."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    return calls_of(monkeypatch, DatabaseWrapper, "is_usable", lambda self: self.alias)


def test_a_kept_healthy_connection_is_checked_without_a_round_trip(
    kept_connections, round_trip_checks
):
    # given a web process that served a request and kept its connection
    assert get("/healthz") == 200
    pid = connection.connection.info.backend_pid

    # when the next requests reuse it
    assert get("/healthz") == 200
    assert get("/healthz") == 200

    # then each was checked by the socket alone, on the same connection
    assert round_trip_checks == []
    assert connection.connection.info.backend_pid == pid


def test_a_dropped_connection_is_found_by_its_socket_and_asked(kept_connections, round_trip_checks):
    # given a kept connection that the database has ended
    assert get("/healthz") == 200
    pid = connection.connection.info.backend_pid
    terminate(pid)

    # when the next request comes
    assert get("/healthz") == 200

    # then the socket had something to read, the round trip decided, and a new connection serves
    assert round_trip_checks == ["default"]
    assert connection.connection.info.backend_pid != pid


def test_a_connection_idle_for_a_while_is_asked_with_a_round_trip(
    kept_connections, round_trip_checks, monkeypatch
):
    """A peer that vanished without closing (a host that crashed) leaves nothing to read on the
    socket: after IDLE_SECONDS the check asks the server, as Django's does."""
    from core.postgresql import base

    # given a kept connection, and requests further apart than the backend trusts its socket
    assert get("/healthz") == 200
    monkeypatch.setattr(base, "IDLE_SECONDS", 0.0)

    # when the next request comes
    assert get("/healthz") == 200

    # then it was checked with a round trip, and the same connection serves
    assert round_trip_checks == ["default"]
