"""The counts the menu shows beside some items, each one cheap read of the selector behind the
page the item opens (registered with core's menu when the service starts)."""

from django.utils import timezone

from payback.cases.assessment.selectors import countersign_queue
from payback.cases.sbar_selectors import consultations_to_answer
from payback.core.context_processors import count_item
from payback.delivery.selectors import concerns_for_practitioner
from payback.enforcement.selectors import failures_to_decide
from payback.notifications.selectors import unread_count
from payback.projects.selectors import open_nomination_count
from payback.staff.models import User


def to_decide(user: User) -> int:
    return len(failures_to_decide(user, mine_only=True))


def overdue_decisions(user: User) -> int:
    return len(failures_to_decide(user, mine_only=False, overdue_on=timezone.localdate()))


def register() -> None:
    count_item("notifications:index", "unread", unread_count)
    count_item("enforcement:to-decide", "to decide", to_decide)
    count_item("enforcement:overdue", "overdue", overdue_decisions)
    count_item("cases:countersign-list", "to countersign", lambda user: countersign_queue(user).count())
    count_item("cases:sbar-list", "to answer", lambda user: consultations_to_answer(user).count())
    count_item("delivery:concerns", "to acknowledge", lambda user: concerns_for_practitioner(user).count())
    count_item("projects:nominations", "new", open_nomination_count)
