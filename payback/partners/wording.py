"""The words a beneficiary's contact reads in messages: short sentences and everyday words. No Django here."""

SERVICE = "Community Payback"


def code_message(code: str, minutes: int) -> tuple[str, str]:
    """The subject and words of a sign-in code."""
    body = (
        f"Your {SERVICE} code is {code}. It works for {minutes} minutes. "
        "Do not give this code to anyone. We will never ask you for it."
    )
    return f"Your {SERVICE} code", body


def invitation_message(*, name: str, organisation: str, link: str, invited_by: str) -> tuple[str, str]:
    """The subject and words of the email inviting a named contact to sign in."""
    body = (
        f"Dear {name},\n\n"
        f"{invited_by} has added you as a contact for {organisation} on {SERVICE}.\n\n"
        "You can now sign in to see your projects and the sessions coming up, sign timesheets for "
        "people on a placement with you, tell us about a concern, and answer our surveys.\n\n"
        f"Sign in here with this email address: {link}\n"
        "We will email you a code each time you sign in.\n\n"
        "If you did not expect this email, you do not need to do anything."
    )
    return f"You can now sign in to {SERVICE}", body
