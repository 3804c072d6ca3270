from celery import shared_task


@shared_task(
    name="parks.send_invitation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=45,
)
def send_invitation(user_id: int) -> bool:
    from parks.notifications import invitation_send  # noqa: PLC0415  a task imports its own service

    return invitation_send(user_id=user_id)
