from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from .two_factor import has_confirmed_device, needs_second_factor


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive",
        "inactive": "This account has been switched off. Ask your manager to restore it",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})


class SignInView(auth_views.LoginView):
    template_name = "staff/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """With two-factor sign-in on, the password leads to the code (or to setting up the app)."""
        target = super().get_success_url()
        if not needs_second_factor(self.request):
            return target
        step = "staff:two-factor-verify" if has_confirmed_device(self.request.user) else "staff:two-factor-setup"
        return f"{reverse(step)}?{urlencode({'next': target})}"


class SignOutView(auth_views.LogoutView):
    """Signing out also removes whatever the service kept on the phone for the supervisor's day
    without signal (pages, forms not yet sent, register entries): the browser clears the site's
    caches and storage."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/signed_out.html")
