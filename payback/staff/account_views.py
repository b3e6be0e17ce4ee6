"""A member of staff's own account: the second factor, password change and reset, API tokens."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from payback.core.edge import redirect_success, staff_user

from . import two_factor
from .selectors import api_token_get, api_tokens_of
from .services import api_token_revoke

PASSWORD_HINT = "At least 12 characters. Not a common password, not all numbers and not like your name or username."  # noqa: S105 - help text


def _with_next(name: str, request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': _next_or_home(request)})}")


def _next_or_home(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _check_code(form: CodeForm, device: Any) -> bool:
    if not form.is_valid():
        return False
    problem = two_factor.code_error(device, form.cleaned_data["code"])
    if problem:
        form.add_error("code", problem)
        return False
    return True


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the secret is shown as text (and as the otpauth address apps accept)."""
    if two_factor.has_confirmed_device(request.user):
        if two_factor.needs_second_factor(request):
            return _with_next("staff:two-factor-verify", request)
        messages.info(request, "Your authenticator app is already set up")
        return redirect("staff:account")
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _check_code(form, device):
        two_factor.device_confirm(request=request, device=device)
        messages.success(
            request, "Your authenticator app is set up. You will need a code from it each time you sign in"
        )
        return HttpResponseRedirect(_next_or_home(request))
    return render(
        request,
        "staff/two_factor_setup.html",
        {
            "form": form,
            "secret": two_factor.secret_of(device),
            "uri": device.config_url,
            "next": _next_or_home(request),
        },
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app confirms the sign-in."""
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return _with_next("staff:two-factor-setup", request)
    if not two_factor.needs_second_factor(request):
        return HttpResponseRedirect(_next_or_home(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and _check_code(form, device):
        two_factor.sign_in_confirm(request=request, device=device)
        return HttpResponseRedirect(_next_or_home(request))
    return render(request, "staff/two_factor_verify.html", {"form": form, "next": _next_or_home(request)})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/account.html",
        {
            "has_device": two_factor.has_confirmed_device(request.user),
            "require_two_factor": settings.REQUIRE_TWO_FACTOR,
        },
    )


# ---------------------------------------------------------------------------------------------
# Passwords


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "Your current password is not right",
            "password_mismatch": "The two new passwords are not the same",
        }


class AuditedPasswordMixin:
    """A password page whose change is recorded in the audit trail, as made by the member of staff."""

    audit: tuple[str, str]  # the audit trail's action and summary

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        action, summary = self.audit
        two_factor.audit_sign_in_change(actor=form.user, user=form.user, action=action, summary=summary)
        return response


class PasswordChangeView(AuditedPasswordMixin, auth_views.PasswordChangeView):
    template_name = "staff/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("staff:account")
    audit = ("staff.password_changed", "Password changed")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed")
        return response


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Your work email address"
        self.fields["email"].error_messages = {
            "required": "Enter your work email address",
            "invalid": "Enter an email address like name@justice.gov.uk",
        }


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers the same way, whether or not the address belongs to an account."""

    template_name = "staff/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "staff/email/password_reset.txt"
    subject_template_name = "staff/email/password_reset_subject.txt"
    success_url = reverse_lazy("staff:password-reset-done")
    extra_email_context = {"service_name": "Payback"}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "staff/password_reset_done.html"


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.error_messages = {**self.error_messages, "password_mismatch": "The two new passwords are not the same"}


class PasswordResetConfirmView(AuditedPasswordMixin, auth_views.PasswordResetConfirmView):
    template_name = "staff/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("staff:password-reset-complete")
    audit = ("staff.password_reset", "Password reset from an emailed link")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "staff/password_reset_complete.html"


# ---------------------------------------------------------------------------------------------
# API tokens


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    tokens = api_tokens_of(staff_user(request))
    return render(request, "staff/api_tokens.html", {"tokens": tokens})


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    token = api_token_get(user, pk)
    api_token_revoke(actor=user, token=token)
    return redirect_success(request, f"API token {token.name} revoked: it no longer works", "staff:api-tokens")
