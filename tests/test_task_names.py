"""Celery task names are a contract with the broker: messages already queued and the beat schedule
carry the name and the arguments, not the module. Issue 13 moved tasks between apps
(notifications/, summaries/); their names, arguments and time limits stay as they were at
92e7aeb, so a worker of the new code runs what a web process of the old code queued."""

import inspect

from django.conf import settings

from portal.celery import app as celery_app

# name: (parameters, time_limit, soft_time_limit, max_retries), as registered at 92e7aeb
# (review/tasks.py, parks/tasks.py, portal/tasks.py there).
TASKS = {
    "review.render_pdf": (["pdf_id"], 180, 150, 3),
    "review.export_summary": (["job_id"], 600, 540, 3),
    "review.expire_exports": ([], 300, 240, 3),
    "review.send_notification_emails": (["user_ids", "kind", "message", "url"], 120, 100, 5),
    "review.deadline_reminders": ([], 300, 240, 3),
    "parks.send_invitation": (["user_id"], 60, 45, 5),
    "portal.ping": ([], 30, 20, 3),
    # issue 17: the sweepers of jobs a crash or an outage left behind
    "review.sweep_pdfs": ([], 120, 100, 3),
    "summaries.sweep_exports": ([], 120, 100, 3),
    # issue 17: the notification e-mail outbox (the old task above still sends what was queued
    # with user ids) and its sweeper
    "notifications.send_emails": (["notification_ids"], 120, 100, 3),
    "notifications.sweep_emails": ([], 120, 100, 3),
    # issue 16: the reports' reminders before and after their due dates
    "reports.report_reminders": ([], 300, 240, 3),
}
BEAT = {
    "deadline-reminders": "review.deadline_reminders",
    "expire-exports": "review.expire_exports",
    "sweep-pdfs": "review.sweep_pdfs",
    "sweep-exports": "summaries.sweep_exports",
    "sweep-notification-emails": "notifications.sweep_emails",
    "report-reminders": "reports.report_reminders",
}


def registered_tasks() -> dict:
    """The tasks a worker registers at start-up (it imports every app's tasks module)."""
    celery_app.loader.import_default_modules()
    return {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}


def test_a_worker_registers_every_task_under_its_old_name():
    assert set(registered_tasks()) == set(TASKS)


def test_tasks_take_the_arguments_and_limits_they_had():
    tasks = registered_tasks()
    for name, (parameters, time_limit, soft_time_limit, max_retries) in TASKS.items():
        task = tasks[name]
        # a bound task's `run` is already bound to the task, so `self` is not listed
        assert list(inspect.signature(task.run).parameters) == parameters, name
        assert (task.time_limit, task.soft_time_limit, task.max_retries) == (
            time_limit,
            soft_time_limit,
            max_retries,
        ), name


def test_the_beat_schedule_names_tasks_a_worker_has():
    schedule = {key: entry["task"] for key, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert schedule == BEAT
    assert set(schedule.values()) <= set(registered_tasks())
