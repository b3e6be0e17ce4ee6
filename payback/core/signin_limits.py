"""Sign-in throttling: failures are counted for a username from one address (``AXES_FAILURE_LIMIT``)
and, with a higher limit, for the address across every username (``SIGN_IN_FAILURES_PER_ADDRESS``),
so that one address cannot try a few passwords against many accounts.

A successful sign-in clears only the failures for that username from that address (django-axes'
reset on success): signing in to one's own account does not wipe the count for the address."""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class AddressLimitedHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a second limit per address across usernames."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_account = super().get_failures(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        per_address = _failures(attempts)
        # Put the address's count on the account's scale so that axes compares both with one limit:
        # floor(n * L / A) reaches L exactly when n reaches A.
        limit = get_failure_limit(request, credentials)
        scaled = per_address * limit // max(1, int(settings.SIGN_IN_FAILURES_PER_ADDRESS))
        return max(per_account, scaled)
