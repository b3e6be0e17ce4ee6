"""Background work for the person's service (run by the task worker): making and sending a sign-in
code, and sending a message about a session."""

from django_tasks import task


@task()
def send_sign_in_code(challenge_id: int) -> str:
    from .signin import sign_in_code_send

    return sign_in_code_send(challenge_id=challenge_id)


@task()
def send_person_message(message_id: int) -> str:
    from .messages import person_message_send

    return str(person_message_send(message_id=message_id).status)
