import json
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .edge import bound, found, pick, redirect_success, staff_page
from .forms import GovukDateField, apply_service_errors
from .policy import RULES, PolicyRule
from .selectors import audit_events_for, policy_book, policy_versions
from .services import NATIONAL_SCOPE, policy_version_add


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_required
@require_http_methods(["GET", "POST"])
def ping(request: HttpRequest) -> HttpResponse:
    """The smallest signed-in page: the yardstick for latency benchmarks. POST gives the same answer, as
    the smallest signed-in write to compare a submit with (behind the usual CSRF check)."""
    return HttpResponse("ok", content_type="text/plain")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@staff_page("core.view_policyversion")
def policy_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    book = policy_book()
    rows = [{"rule": rule, "value": book.value(rule.key, today)} for rule in RULES.values()]
    return render(request, "core/policy_list.html", {"rows": rows, "today": today})


@staff_page("core.view_policyversion")
def policy_detail(request: HttpRequest, key: str) -> HttpResponse:
    rule = _rule(key)
    return render(
        request,
        "core/policy_detail.html",
        {
            "rule": rule,
            "versions": policy_versions(key),
            "changes": audit_events_for(f"policy:{key}").select_related("actor")[:50],
            "can_manage": _can_manage_policy(request.user),
        },
    )


class PolicyVersionForm(forms.Form):
    effective_from = GovukDateField(label="Date the new value takes effect")
    value = forms.CharField(
        label="New value",
        required=False,
        max_length=500,
        help_text="A number, a list like 6, 9, or 'none' where the rule stops applying. "
        'Earned reduction takes {"threshold_percent": 25, "minutes_per_hour": 30, "cap_percent": 25}.',
    )
    reason = forms.CharField(label="Why the rule changes", max_length=500, widget=forms.Textarea)
    confirm_backdating = forms.BooleanField(
        label="I confirm this version takes effect on a date already past",
        required=False,
        help_text="Cases already judged under the old value will be judged again under this one.",
    )
    backdating_reason = forms.CharField(
        label="Why it must apply to dates already past", required=False, max_length=500, widget=forms.Textarea
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kind = kind

    def clean_value(self) -> object:
        raw = (self.cleaned_data.get("value") or "").strip()
        if raw.lower() in {"", "none"}:
            return None
        if self.kind == "int_list":
            try:
                return [int(part) for part in raw.replace(" ", "").split(",") if part]
            except ValueError:
                raise ValidationError("Enter whole numbers separated by commas, like 6, 9") from None
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ValidationError("Enter a whole number, like 30") from None


def _rule(key: str) -> PolicyRule:
    """The policy rule with this key; 404 when there is none."""
    return found(RULES.get(key), "No such rule")


def _can_manage_policy(user: Any) -> bool:
    """Rules apply to the whole country: changing them needs the permission and national scope."""
    return bool(user.has_perm("core.manage_policy") and getattr(user, "scope", None) == NATIONAL_SCOPE)


@staff_page("core.manage_policy")
def policy_add(request: HttpRequest, key: str) -> HttpResponse:
    rule = _rule(key)
    if not _can_manage_policy(request.user):
        raise PermissionDenied("Policy rules apply to the whole country: only national staff may change them")
    form = bound(request, PolicyVersionForm, kind=rule.kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy_version_add(
                actor=request.user,
                key=key,
                **pick(data, "effective_from", "value", "reason", "confirm_backdating", "backdating_reason"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            effective_from: date = data["effective_from"]
            message = f"{rule.title} updated from {effective_from:%-d %B %Y}"
            return redirect_success(request, message, "core:policy-detail", key=key)
    return render(request, "core/policy_add.html", {"rule": rule, "form": form})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)
