"""How the service writes things people read."""


def format_minutes(minutes: int) -> str:
    """'12 hours 30 minutes', as GOV.UK style writes durations."""
    sign = "minus " if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if mins or not hours:
        parts.append(f"{mins} minute{'s' if mins != 1 else ''}")
    return sign + " ".join(parts)
