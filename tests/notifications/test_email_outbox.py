"""The notification e-mail outbox (issue 17): whatever the broker, a worker or the mail server
does, a committed notification's e-mail ends sent, skipped or failed with a reason, once, within
a few sweeps (notifications.services.emails_sweep, every minute from beat) after they return."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core import jobs
from notifications import services
from notifications.models import Notification, NotificationEmail
from notifications.services import (
    SWEEP_BATCH,
    email_preference_save,
    emails_deliver,
    emails_sweep,
    notify,
)
from notifications.tasks import send_emails, send_notification_emails
from plans.status import State
from tests.broker import later, not_eager
from tests.factories import UserFactory
from tests.review import conftest as review_fixtures
from tests.review.helpers import messages_of, status_of, transition_url
from tests.spies import calls_of

ready_plan = review_fixtures.ready_plan  # park A's plan, nothing keeps it from submission
zh = review_fixtures.zh  # messages built outside a request in the language users read


@pytest.fixture
def broker(monkeypatch):
    """A broker's behaviour without one, for the e-mail task: messages are kept, not run;
    `broker.down()` refuses them as Redis does when it is away; `broker.work()` is a worker
    taking every message kept so far (again, if called again: a duplicate delivery)."""

    class Broker:
        messages: list[list[int]] = []

        def down(self):
            def refuse(*args, **kwargs):
                raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

            monkeypatch.setattr(send_emails, "apply_async", refuse)

        def up(self):
            def keep(args=None, kwargs=None, task_id=None, **options):
                self.messages.append(args[0])

            monkeypatch.setattr(send_emails, "apply_async", keep)

        def work(self) -> int:
            return sum(send_emails(ids) for ids in self.messages)

    broker = Broker()
    broker.messages = []
    broker.up()
    with not_eager():
        yield broker


def emails_of(users) -> list[NotificationEmail]:
    return list(
        NotificationEmail.objects.filter(notification__user__in=users).order_by(
            "notification__user__username"
        )
    )


@pytest.fixture
def reviewers(world):
    """The province's two reviewers: those a park's submission notifies."""
    return [world.reviewer_a, UserFactory(province_reviewer=True, province=world.province_a)]


# --- the broker away when a park submits -------------------------------------------------------


def test_with_the_broker_down_the_submission_stands_and_its_emails_wait_for_the_sweeper(
    world, client_for, ready_plan, reviewers, broker, django_capture_on_commit_callbacks
):
    # given Redis is down
    broker.down()

    # when the park manager submits
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.manager_a).post(
            transition_url(ready_plan, "submit"), {"declared": "on"}
        )

    # then the submission succeeded as usual, and each reviewer has the notification in the
    # portal, its e-mail pending, not sent, saying it waits for the queue
    assert response.status_code == 302
    assert messages_of(response) == ["已完成：提交省级审核。"]
    assert status_of(ready_plan) == State.SUBMITTED
    assert Notification.objects.filter(user__in=reviewers).count() == 2
    emails = emails_of(reviewers)
    assert [(e.state, e.dispatched_at, e.attempts) for e in emails] == [("pending", None, 0)] * 2
    assert {e.error for e in emails} == {"正在等待任务队列恢复，恢复后将自动开始。"}
    assert mail.outbox == []

    # when Redis is back, the sweeper runs and a worker takes what it sent
    broker.up()
    swept = emails_sweep(now=later(2))
    sent = broker.work()

    # then each reviewer got exactly one e-mail, and the rows say sent, with the time
    assert swept == {"requeued": 0, "failed": 0, "dispatched": 2}
    assert len(broker.messages) == 1  # one message for the batch
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in reviewers)
    assert all(m.subject.endswith("行动方案平台：" + m.body.split("\n")[0]) for m in mail.outbox)
    for email in emails:
        email.refresh_from_db()
        assert (email.state, email.attempts, email.error) == ("sent", 1, "")
        assert email.finished_at is not None

    # when the message is delivered again and the sweeper runs again
    again = broker.work()
    swept_again = emails_sweep(now=later(40))

    # then nothing more is sent
    assert (again, swept_again["dispatched"]) == (0, 0)
    assert len(mail.outbox) == 2


def test_the_sweeper_leaves_pending_emails_alone_while_their_dispatch_may_still_come(
    world, broker, django_capture_on_commit_callbacks
):
    # given a notification whose after-commit dispatch has not run yet
    with django_capture_on_commit_callbacks(execute=False):
        notify([world.editor_a], kind=Notification.Kind.RETURNED, message="退回", url="/")

    # when the sweeper runs within the grace the dispatch needs
    swept = emails_sweep()

    # then it sends nothing
    assert swept["dispatched"] == 0 and broker.messages == []
    assert emails_of([world.editor_a])[0].state == "pending"


def test_the_sweeper_leaves_emails_pending_while_the_broker_is_still_down(
    world, broker, django_capture_on_commit_callbacks
):
    # given a notification made while Redis was down
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.editor_a], kind=Notification.Kind.RETURNED, message="退回", url="/")

    # when the sweeper runs before Redis is back
    swept = emails_sweep(now=later(2))

    # then the e-mail is still pending, for the next sweep
    assert swept["dispatched"] == 0
    email = emails_of([world.editor_a])[0]
    assert (email.state, email.dispatched_at) == ("pending", None)


# --- who gets no e-mail ------------------------------------------------------------------------


def test_muted_inactive_and_addressless_users_are_skipped_with_the_reason(
    world, broker, django_capture_on_commit_callbacks
):
    # given four reviewers: one muted this kind, one is inactive, one has no address
    muted, inactive, addressless = (
        UserFactory(province_reviewer=True, province=world.province_a) for _ in range(3)
    )
    email_preference_save(user=muted, muted=[Notification.Kind.SUBMITTED])
    inactive.is_active = False
    inactive.save()
    addressless.email = ""
    addressless.save()
    users = [world.reviewer_a, muted, inactive, addressless]
    with django_capture_on_commit_callbacks(execute=True):
        notify(users, kind=Notification.Kind.SUBMITTED, message="苏州", url="/x/")

    # when the worker takes the message
    sent = broker.work()

    # then only the reviewer who wants it gets it; the others are skipped, saying why, with
    # no attempt counted
    assert sent == 1
    assert [m.to for m in mail.outbox] == [[world.reviewer_a.email]]
    rows = {e.notification.user_id: e for e in NotificationEmail.objects.all()}
    assert rows[world.reviewer_a.pk].state == "sent"
    assert [(rows[u.pk].state, rows[u.pk].error, rows[u.pk].attempts) for u in users[1:]] == [
        ("skipped", "该用户已关闭此类邮件。", 0),
        ("skipped", "该用户已停用。", 0),
        ("skipped", "该用户没有电子邮箱地址。", 0),
    ]
    # and the in-portal notifications are there for all of them
    assert Notification.objects.filter(user__in=users).count() == 4


def test_a_muted_kind_does_not_silence_the_others(world, django_capture_on_commit_callbacks):
    # given the reviewer muted comments (eager: the e-mail is sent at the commit)
    email_preference_save(user=world.reviewer_a, muted=[Notification.Kind.COMMENT])

    # when a submission and a comment are notified
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.reviewer_a], kind=Notification.Kind.SUBMITTED, message="提交", url="/")
        notify([world.reviewer_a], kind=Notification.Kind.COMMENT, message="意见", url="/")

    # then only the submission is mailed
    assert [m.body.split("\n")[0] for m in mail.outbox] == ["提交"]
    states = NotificationEmail.objects.order_by("notification__kind").values_list(
        "notification__kind", "state"
    )
    assert list(states) == [("comment", "skipped"), ("submitted", "sent")]


def test_many_recipients_go_to_the_worker_in_batches(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    # given more recipients than a message to the worker carries (a reminder to all parks)
    users = UserFactory.create_batch(SWEEP_BATCH + 3, park_editor=True, park=world.park_a)
    handed_over = calls_of(monkeypatch, services, "emails_dispatch", lambda ids: ids)

    # when one notification goes to all of them
    with django_capture_on_commit_callbacks(execute=True):
        notify(users, kind=Notification.Kind.DEADLINE, message="截止提醒", url="/")

    # then they are handed over in two messages, and each is mailed once
    assert [len(ids) for ids in handed_over] == [SWEEP_BATCH, 3]
    assert len(mail.outbox) == SWEEP_BATCH + 3
    assert set(NotificationEmail.objects.values_list("state", flat=True)) == {"sent"}


# --- a send that fails -------------------------------------------------------------------------


@pytest.fixture
def refusing(monkeypatch):
    """A mail server that refuses the addresses put in the returned set."""
    refused = set()
    deliver = EmailBackend.send_messages

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox unavailable")})
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return refused


def test_a_failing_send_is_retried_by_the_sweeper_then_fails_with_the_reason(
    world, broker, refusing, django_capture_on_commit_callbacks
):
    # given the mail server refuses the reviewer's address, not the editor's
    refusing.add(world.reviewer_a.email)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [world.reviewer_a, world.editor_a],
            kind=Notification.Kind.SUBMITTED,
            message="苏州",
            url="/",
        )

    # when the worker takes the message
    broker.work()

    # then the other e-mail still went; the refused one counts an attempt and waits
    refused, other = emails_of([world.editor_a, world.reviewer_a])[::-1]
    other.refresh_from_db()
    assert other.state == "sent"
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]
    refused.refresh_from_db()
    assert (refused.state, refused.attempts, refused.dispatched_at) == ("pending", 1, None)
    assert refused.error.startswith("稍后将重试：") and "mailbox unavailable" in refused.error

    # when the sweeper and the worker keep trying, one round a minute
    for minute in range(1, jobs.MAX_ATTEMPTS + 2):
        broker.messages.clear()
        emails_sweep(now=later(minute + 1))
        broker.work()

    # then it was tried MAX_ATTEMPTS times, and failed with the reason; nothing more is sent
    refused.refresh_from_db()
    assert (refused.state, refused.attempts) == ("failed", jobs.MAX_ATTEMPTS)
    assert "mailbox unavailable" in refused.error and refused.finished_at is not None
    assert emails_sweep(now=later(60))["dispatched"] == 0
    assert len(mail.outbox) == 1


def test_without_a_broker_a_failing_send_fails_at_once(
    world, refusing, django_capture_on_commit_callbacks
):
    # given no broker (eager: no sweeper will come) and a mail server that refuses the address
    refusing.add(world.editor_a.email)

    # when a notification is made
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.editor_a], kind=Notification.Kind.RETURNED, message="退回", url="/")

    # then its e-mail failed with the reason, and the notification stands
    email = emails_of([world.editor_a])[0]
    assert (email.state, email.attempts) == ("failed", 1)
    assert "mailbox unavailable" in email.error
    assert Notification.objects.filter(user=world.editor_a).exists()


# --- a worker that dies in the middle ----------------------------------------------------------


def _sending(user, *, attempts: int, minutes_ago: int) -> NotificationEmail:
    """An e-mail a worker claimed `minutes_ago` and never marked (it was killed)."""
    note = Notification.objects.create(user=user, kind="returned", message="退回", url="/")
    since = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return NotificationEmail.objects.create(
        notification=note,
        state=NotificationEmail.State.RUNNING,
        attempts=attempts,
        started_at=since,
        dispatched_at=since,
    )


def test_an_email_left_sending_by_a_dead_worker_is_sent_again(world, broker):
    # given an e-mail whose worker died 10 minutes ago (the task's hard limit is 2 minutes)
    email = _sending(world.editor_a, attempts=1, minutes_ago=10)
    # and the broker gives the dead worker's message back
    assert emails_deliver([email.pk]) == 0  # still "sending": not taken twice

    # when the sweeper runs and a worker takes its message
    swept = emails_sweep()
    broker.work()

    # then it was queued again and sent (at least once: the dead worker may have sent it)
    email.refresh_from_db()
    assert swept == {"requeued": 1, "failed": 0, "dispatched": 0}
    assert (email.state, email.attempts) == ("sent", 2)
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]


def test_an_email_whose_worker_died_on_every_attempt_fails_with_the_reason(world, broker):
    # given an e-mail whose worker died on each of its attempts
    email = _sending(world.editor_a, attempts=jobs.MAX_ATTEMPTS, minutes_ago=10)

    # when the sweeper runs
    swept = emails_sweep()

    # then it failed with the reason and nothing was sent
    email.refresh_from_db()
    assert swept == {"requeued": 0, "failed": 1, "dispatched": 0}
    assert email.state == "failed" and email.error.startswith("该任务在完成前已被中断 4 次")
    assert broker.messages == [] and mail.outbox == []


# --- messages queued before the outbox ---------------------------------------------------------


def test_a_message_of_the_old_task_is_still_sent(world):
    # given a message queued by a web process of the code before the outbox (by user ids)
    email_preference_save(user=world.editor_b, muted=[Notification.Kind.RETURNED])

    # when a worker of this code runs it
    sent = send_notification_emails(
        [world.editor_a.pk, world.editor_b.pk], "returned", "方案已退回", "/plans/1/"
    )

    # then it sends as before: the same subject, to those who did not mute the kind
    assert sent == 1
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]
    assert mail.outbox[0].subject == "高新区绿色发展行动方案平台：方案已退回"
    assert mail.outbox[0].body.startswith("方案已退回\n\n")


# --- two runs at once (PostgreSQL: SQLite has no row locks) ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_skips_the_emails_another_run_holds(world, broker):
    # given an e-mail pending, and another run holding its row (in its claim, on its own
    # connection)
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    with transaction.atomic():
        notify([world.editor_a], kind=Notification.Kind.RETURNED, message="退回", url="/")
    email = emails_of([world.editor_a])[0]
    held, release = threading.Event(), threading.Event()

    def other_run():
        with transaction.atomic():
            list(NotificationEmail.objects.select_for_update().filter(pk=email.pk))
            held.set()
            release.wait(10)
        connections.close_all()

    other = threading.Thread(target=other_run)
    other.start()
    assert held.wait(10)

    # when this run takes the same ids
    try:
        sent = emails_deliver([email.pk])
    finally:
        release.set()
        other.join()

    # then it neither waits nor sends; once the row is free, a run sends it
    assert sent == 0 and mail.outbox == []
    assert emails_deliver([email.pk]) == 1
    assert [m.to for m in mail.outbox] == [[world.editor_a.email]]
