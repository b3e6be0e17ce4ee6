"""Background work for the beneficiary's contacts (run by the task worker): making and emailing a
sign-in code."""

from django_tasks import task


@task()
def send_contact_code(challenge_id: int) -> str:
    from .signin import sign_in_code_send

    return sign_in_code_send(challenge_id=challenge_id)
