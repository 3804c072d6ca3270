"""Notifications (notifications/): in the portal at once, by e-mail after the commit unless the
kind is muted, the unread count, marking read, and the deadline reminders."""

import datetime

from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from notifications.selectors import unread_count
from notifications.services import (
    deadline_reminders_send,
    email_preference_save,
    notifications_mark_read,
    notify,
)


def test_notify_writes_in_the_portal_and_mails_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    # given
    world.reviewer_a.email = "reviewer@example.cn"
    world.reviewer_a.save()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.reviewer_a], kind=Notification.Kind.SUBMITTED, message="苏州", url="/x/")
    # then
    assert unread_count(world.reviewer_a) == 1
    assert [m.to for m in mail.outbox] == [["reviewer@example.cn"]]


def test_a_muted_kind_is_not_mailed_but_still_shown(world, django_capture_on_commit_callbacks):
    # given
    world.reviewer_a.email = "reviewer@example.cn"
    world.reviewer_a.save()
    email_preference_save(user=world.reviewer_a, muted=[Notification.Kind.COMMENT, "bogus"])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.reviewer_a], kind=Notification.Kind.COMMENT, message="意见", url="/x/")
    # then
    assert mail.outbox == []
    assert unread_count(world.reviewer_a) == 1
    assert world.reviewer_a.email_preference.muted == [Notification.Kind.COMMENT]


def test_marking_read_clears_only_the_users_own_count(world):
    # given
    staff = [world.editor_a, world.editor_b]
    notify(staff, kind=Notification.Kind.RETURNED, message="退回", url="/")
    # when
    notifications_mark_read(user=world.editor_a)
    # then
    assert unread_count(world.editor_a) == 0
    assert unread_count(world.editor_b) == 1


def test_deadline_reminders_go_to_staff_of_parks_not_submitted_once_a_day(world):
    # given: the deadline is 7 days away
    today = timezone.localdate()
    world.cycle.deadline = today + datetime.timedelta(days=7)
    world.cycle.save()
    # when
    first = deadline_reminders_send(today=today)
    again = deadline_reminders_send(today=today)
    # then
    reminded = set(
        Notification.objects.filter(kind=Notification.Kind.DEADLINE).values_list(
            "user__username", flat=True
        )
    )
    assert reminded == {"manager_a", "editor_a", "editor_b"}
    assert (first, again) == (3, 0)


def test_no_reminder_on_a_day_not_in_the_schedule(world):
    assert deadline_reminders_send(today=world.cycle.deadline - datetime.timedelta(days=5)) == 0


def test_the_notifications_page_lists_and_marks_read(world, client_for):
    # given
    notify([world.editor_a], kind=Notification.Kind.RETURNED, message="方案已退回", url="/")
    client = client_for(world.editor_a)
    # when
    page = client.get("/notifications/")
    client.post("/notifications/", {"mark_read": "1"})
    # then
    assert "方案已退回" in page.content.decode()
    assert unread_count(world.editor_a) == 0


# --- the unread count, kept (notifications.selectors) -----------------------------------------


def test_the_unread_count_is_kept_and_a_new_notification_shows_at_once(
    world, shared_cache, writes, django_assert_num_queries
):
    # given a reviewer whose count was read once
    assert unread_count(world.reviewer_a) == 0

    # then it is read from the cache
    with django_assert_num_queries(0):
        assert unread_count(world.reviewer_a) == 0

    # when a notification comes, then the next reading counts it
    writes(lambda: notify([world.reviewer_a], kind="submitted", message="提交了", url="/"))
    assert unread_count(world.reviewer_a) == 1


def test_marking_read_and_deleting_show_at_once(world, shared_cache, writes):
    writes(lambda: notify([world.editor_a], kind="returned", message="退回", url="/"))
    writes(lambda: notify([world.editor_a], kind="returned", message="再退回", url="/"))
    assert unread_count(world.editor_a) == 2

    writes(lambda: notifications_mark_read(user=world.editor_a, pk=Notification.objects.first().pk))
    assert unread_count(world.editor_a) == 1

    writes(lambda: Notification.objects.filter(read_at__isnull=True).get().delete())
    assert unread_count(world.editor_a) == 0
