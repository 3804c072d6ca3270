"""Models that changed app kept their tables (issue 13, "without losing data"), on PostgreSQL.

Two scratch databases beside the test database: one migrated fresh to the latest migrations;
one migrated to the leaves of the tree before issue 13 (92e7aeb: review at 0005_background_job,
no notifications/ or summaries/ migrations), given a few rows in the tables whose models moved
(notification, e-mail preference, summary snapshot with its versions, export job) and then
migrated forward. Both must end up with the same schema (columns with their types, nullability
and defaults, constraints, indexes, sequences), the same content types and permissions, and the
old rows must read back through the new models. The moves must also undo: migrated back to the
old leaves, the schema is the old one again and the content types are review's; forward again,
the new apps'.

Skipped where DATABASE_URL is not PostgreSQL (SQLite has no such catalogue and is not what
production runs); CI runs it. The databases are created and dropped here, with unique names.
"""

import copy
import datetime
import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from notifications.models import EmailPreference, Notification
from summaries.models import ExportJob, SummarySnapshot
from tests.live import require

pytestmark = pytest.mark.live_services

# The project's migrations at 92e7aeb, the last commit before issue 13: what a production database
# migrated from that main has applied. Every later migration of these apps is new.
OLD_LEAVES = {
    "parks": "0001_initial",
    "plans": "0004_plan_status_and_assignment",
    "indicators": "0002_seed_catalogue_and_coefficients",
    "review": "0005_background_job",
}
NEW_APPS = ("notifications", "summaries")
# Django's own apps with migrations, installed then as now; any other app with migrations
# (django-axes, issue 12) came later and is not in the old database.
DJANGO_APPS = ("admin", "auth", "contenttypes", "sessions")
# (model, app it left, app it joined)
MOVED = [
    ("notification", "review", "notifications"),
    ("emailpreference", "review", "notifications"),
    ("summarysnapshot", "review", "summaries"),
    ("exportjob", "review", "summaries"),
]


# --- scratch databases --------------------------------------------------------------------------


def _server(sql: str) -> None:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        autocommit=True,
    ) as server:
        server.execute(sql)


@contextmanager
def scratch_database(label: str):
    """A new, empty database on the test server, reachable as a connection alias of its own."""
    name = f"test_greenplan_migrations_{label}_{uuid.uuid4().hex[:8]}"
    _server(f'CREATE DATABASE "{name}"')
    # Schema changes commit one migration at a time; nothing here needs to survive a crash.
    _server(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    settings_dict = copy.deepcopy(connections.settings["default"])
    settings_dict["NAME"] = name
    connections.settings[name] = settings_dict
    try:
        yield name
    finally:
        connections[name].close()
        del connections[name]
        del connections.settings[name]
        _server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- migrating ----------------------------------------------------------------------------------


MIGRATE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
for target in json.loads(sys.argv[1]):
    call_command("migrate", *target, interactive=False, verbosity=0)
"""


def migrate(alias: str, *targets: tuple[str, str]) -> None:
    """`manage.py migrate [app name]` for each target (everything to the latest without one),
    in a process whose default database is `alias`'s, as production migrates: the data
    migrations (plans 0002, indicators 0002) write through the default database."""
    db = connections.settings[alias]
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
    }
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE, json.dumps([list(t) for t in targets] or [[]])],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def migrate_to_old_leaves(alias: str) -> None:
    """Every app as it was at 92e7aeb: Django's own apps at their latest, the project's at
    OLD_LEAVES, the apps made since not at all; from an empty database or, migrating back,
    from the latest (zero first: notifications/ at zero takes review 0006 and later with it)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    later = sorted({app for app, _ in graph.nodes} - {*OLD_LEAVES, *DJANGO_APPS})
    migrate(
        alias,
        *[(app, "zero") for app in later],
        *[(app,) for app in DJANGO_APPS],
        *OLD_LEAVES.items(),
    )


def project_migrations(alias: str) -> set[tuple[str, str]]:
    applied = MigrationLoader(connections[alias]).applied_migrations
    return {key for key in applied if key[0] in (*OLD_LEAVES, *NEW_APPS)}


def old_migrations() -> set[tuple[str, str]]:
    """The project's migrations up to OLD_LEAVES (each app's are numbered in order)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {
        (app, name)
        for app, name in graph.nodes
        if app in OLD_LEAVES and name[:4] <= OLD_LEAVES[app][:4]
    }


def state_apps(alias: str):
    """The models as the migrations applied to `alias` describe them (historical models)."""
    loader = MigrationLoader(connections[alias])
    return loader.project_state(tuple(loader.applied_migrations)).apps


# --- reading the schema -------------------------------------------------------------------------

SCHEMA_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, udt_name, character_maximum_length,
               numeric_precision, numeric_scale, datetime_precision, is_nullable, column_default,
               is_identity, identity_generation, collation_name
        FROM information_schema.columns WHERE table_schema = 'public'
    """,
    "constraints": """
        SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid),
               c.condeferrable, c.condeferred
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public'
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "sequences": """
        SELECT sequencename, data_type, start_value, min_value, max_value, increment_by, cycle
        FROM pg_sequences WHERE schemaname = 'public'
    """,
    # Not schema, but what Django keeps beside it: which migrations ran and what the content
    # types and permissions point at.
    "migrations": "SELECT app, name FROM django_migrations",
    "content types": "SELECT app_label, model FROM django_content_type",
    "permissions": """
        SELECT ct.app_label, ct.model, p.codename, p.name
        FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
    """,
}


def schema(alias: str) -> dict[str, set[tuple]]:
    result = {}
    with connections[alias].cursor() as cursor:
        for part, sql in SCHEMA_QUERIES.items():
            cursor.execute(sql)
            result[part] = {tuple(row) for row in cursor.fetchall()}
    return result


# Migrating back leaves the content types (and their permissions) of models that no longer
# exist, as Django always does (`remove_stale_contenttypes` deletes them); these parts are only
# compared forward.
BACKWARD_PARTS = ("columns", "constraints", "indexes", "sequences", "migrations")


def differences(
    a: dict[str, set], b: dict[str, set], a_name: str, b_name: str, parts=tuple(SCHEMA_QUERIES)
) -> list[str]:
    lines = []
    for part in parts:
        lines += [f"{part}, only in {a_name}: {row}" for row in sorted(a[part] - b[part], key=str)]
        lines += [f"{part}, only in {b_name}: {row}" for row in sorted(b[part] - a[part], key=str)]
    return lines


def content_type_apps(alias: str) -> dict[str, set[str]]:
    """For each moved model, the app labels its content types carry."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT model, app_label FROM django_content_type WHERE model = ANY(%s)",
            [[model for model, _, _ in MOVED]],
        )
        found: dict[str, set[str]] = {model: set() for model, _, _ in MOVED}
        for model, app_label in cursor.fetchall():
            found[model].add(app_label)
    return found


# --- rows written before issue 13 ---------------------------------------------------------------


def seed_old_rows(alias: str) -> SimpleNamespace:
    """A few rows in the moved tables, written through the models as they were at 92e7aeb."""
    apps = state_apps(alias)

    def model(label):
        return apps.get_model(label).objects.using(alias)

    province = model("parks.Province").create(
        code="320000", name="江苏省", short_name="江苏", reviewing_body="江苏省科学技术厅"
    )
    park = model("parks.Park").create(name="苏州工业园区", province=province, district="苏州市")
    user = model("parks.User").create(
        username="manager_a", password="!", role="park_manager", park=park
    )
    cycle = model("plans.Cycle").get(code="2021-2025")  # plans 0002 adds it
    plan = model("plans.Plan").create(park=park, cycle=cycle)
    versions = [
        model("review.Version").create(
            plan=plan,
            number=number,
            outline_version="2021-1",
            snapshot={"sections": {}},
            content_hash=f"{number:064d}",
            submitted_by=user,
        )
        for number in (1, 2)
    ]
    notification = model("review.Notification").create(
        user=user,
        kind="returned",
        message="苏州工业园区的行动方案被退回修改",
        url=f"/plans/{plan.pk}/",
        created_at=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
    )
    preference = model("review.EmailPreference").create(user=user, muted=["comment", "deadline"])
    snapshot = model("review.SummarySnapshot").create(
        name="2026年第一批", states=["approved"], cycle=cycle, created_by=user, note="送审前"
    )
    snapshot.versions.add(*versions)
    job = model("review.ExportJob").create(
        requested_by=user,
        cycle="2021-2025",
        provinces=["320000"],
        states=["approved"],
        snapshot=snapshot,
        state="done",
        parks=1,
        size=2048,
        file="exports/national-2021-2025.xlsx",
    )
    return SimpleNamespace(
        user=user.pk,
        versions=[v.pk for v in versions],
        notification=notification.pk,
        preference=preference.pk,
        snapshot=snapshot.pk,
        job=job.pk,
    )


def assert_rows_read_through_new_models(alias: str, rows: SimpleNamespace) -> None:
    notification = (
        Notification.objects.using(alias).select_related("user").get(pk=rows.notification)
    )
    assert (notification.user.username, notification.kind, notification.read_at) == (
        "manager_a",
        "returned",
        None,
    )
    assert notification.message == "苏州工业园区的行动方案被退回修改"
    assert notification.created_at == datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC)
    preference = EmailPreference.objects.using(alias).get(pk=rows.preference)
    assert (preference.user_id, preference.muted) == (rows.user, ["comment", "deadline"])
    snapshot = SummarySnapshot.objects.using(alias).select_related("cycle").get(pk=rows.snapshot)
    assert (snapshot.name, snapshot.states, snapshot.cycle.code, snapshot.created_by_id) == (
        "2026年第一批",
        ["approved"],
        "2021-2025",
        rows.user,
    )
    assert sorted(snapshot.versions.values_list("pk", flat=True)) == rows.versions
    job = ExportJob.objects.using(alias).get(pk=rows.job)
    assert (job.state, job.snapshot_id, job.file.name, job.size, job.provinces) == (
        "done",
        rows.snapshot,
        "exports/national-2021-2025.xlsx",
        2048,
        ["320000"],
    )


# --- the databases, migrated once for the module -------------------------------------------------


@pytest.fixture(scope="module")
def migrated_databases(django_db_blocker):
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with (
        django_db_blocker.unblock(),
        scratch_database("fresh") as fresh,
        scratch_database("old") as old,
    ):
        migrate(fresh)
        migrate_to_old_leaves(old)
        assert project_migrations(old) == old_migrations()
        rows = seed_old_rows(old)
        old_schema = schema(old)
        content_types_before = content_type_apps(old)
        migrate(old)
        yield SimpleNamespace(
            fresh=fresh,
            old=old,
            rows=rows,
            old_schema=old_schema,
            content_types_before=content_types_before,
        )


@pytest.fixture
def dbs(migrated_databases, django_db_blocker):
    with django_db_blocker.unblock():
        yield migrated_databases


def test_the_old_database_starts_with_the_moved_models_in_review(dbs):
    assert dbs.content_types_before == {model: {old} for model, old, _ in MOVED}
    assert not any(app in NEW_APPS for app, _ in dbs.old_schema["content types"])


def test_a_database_migrated_from_before_the_moves_has_the_fresh_schema(dbs):
    # given: one database migrated from 92e7aeb's leaves with rows in it, one migrated fresh
    # when
    migrated, fresh = schema(dbs.old), schema(dbs.fresh)
    # then
    assert differences(migrated, fresh, "migrated", "fresh") == []
    assert {app for app, _ in migrated["migrations"]} >= set(NEW_APPS)


def test_the_moved_models_keep_their_tables(dbs):
    tables = {table for table, *_ in schema(dbs.old)["columns"]}
    assert {
        "review_notification",
        "review_emailpreference",
        "review_summarysnapshot",
        "review_summarysnapshot_versions",
        "review_exportjob",
    } <= tables
    # models made after the moves (issue 17: the e-mail outbox) have tables of their own app
    added = {"notifications_notificationemail"}
    assert not any(t.startswith(("notifications_", "summaries_")) for t in tables - added)


def test_rows_written_before_the_moves_read_through_the_new_models(dbs):
    assert_rows_read_through_new_models(dbs.old, dbs.rows)


def test_new_rows_follow_the_old_ones_in_the_kept_sequences(dbs):
    # when
    notification = Notification.objects.using(dbs.old).create(
        user_id=dbs.rows.user, kind="comment", message="新评论"
    )
    # then
    assert notification.pk > dbs.rows.notification
    notification.delete()


def test_content_types_follow_the_models_to_their_new_apps(dbs):
    assert content_type_apps(dbs.old) == {model: {new} for model, _, new in MOVED}
    assert content_type_apps(dbs.fresh) == {model: {new} for model, _, new in MOVED}


def test_the_moves_migrate_back_and_forward_again(dbs):
    # given: the migrated database, with its rows
    # when: back to 92e7aeb's leaves
    migrate_to_old_leaves(dbs.old)
    # then: the schema, the migrations and the content types are as before the moves
    assert project_migrations(dbs.old) == old_migrations()
    reversed_schema = schema(dbs.old)
    assert differences(reversed_schema, dbs.old_schema, "reversed", "old", BACKWARD_PARTS) == []
    assert reversed_schema["content types"] >= dbs.old_schema["content types"]
    assert content_type_apps(dbs.old) == {model: {old} for model, old, _ in MOVED}
    apps = state_apps(dbs.old)
    assert apps.get_model("review.Notification").objects.using(dbs.old).count() == 1
    snapshot = apps.get_model("review.SummarySnapshot").objects.using(dbs.old).get()
    assert snapshot.versions.count() == 2

    # when: forward again
    migrate(dbs.old)
    # then
    assert differences(schema(dbs.old), schema(dbs.fresh), "migrated", "fresh") == []
    assert content_type_apps(dbs.old) == {model: {new} for model, _, new in MOVED}
    assert_rows_read_through_new_models(dbs.old, dbs.rows)
