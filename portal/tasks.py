import os

from celery import shared_task
from django.db import connection


@shared_task(name="portal.ping", time_limit=30, soft_time_limit=20, ignore_result=False)
def ping() -> str:
    """Answers from whichever process runs it: the live-worker test checks a real worker does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return f"pong from {os.getpid()}"
