"""A choice of one member of staff from a list the form is given when it is made (the people of the
user's area), written once for every app's forms."""

from collections.abc import Callable
from typing import Any

from django import forms

from .models import User


def full_name(member: User) -> str:
    """The member's full name, or their username when they have none."""
    return member.get_full_name() or member.username


def with_team(no_team: str = "") -> Callable[[User], str]:
    """The member and their team in brackets; `no_team` in brackets for someone in none."""

    def label(member: User) -> str:
        if member.team_id:
            return f"{member} ({member.team})"
        return f"{member} ({no_team})" if no_team else str(member)

    return label


class StaffChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """One member of staff, each shown as `label` says; the messages name what to select."""

    def __init__(
        self,
        label: str,
        *,
        empty_label: str,
        required_message: str,
        invalid_message: str,
        shown_as: Callable[[User], str] = full_name,
    ) -> None:
        super().__init__(
            label=label,
            queryset=User.objects.none(),
            empty_label=empty_label,
            error_messages={"required": required_message, "invalid_choice": invalid_message},
        )
        self.shown_as = shown_as

    def label_from_instance(self, obj: Any) -> str:
        return self.shown_as(obj)
