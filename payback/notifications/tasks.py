"""The background task that emails a notification (run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def email_notification(notification_id: int) -> str:
    from .services import notification_email

    return str(notification_email(notification_id=notification_id).email_status)
