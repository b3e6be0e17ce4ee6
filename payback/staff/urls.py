from django.urls import path

from . import account_views, team_views, views

app_name = "staff"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("sign-in/code/", account_views.two_factor_verify, name="two-factor-verify"),
    path("account/", account_views.account, name="account"),
    path("account/authenticator/", account_views.two_factor_setup, name="two-factor-setup"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path("account/api-tokens/", account_views.api_tokens, name="api-tokens"),
    path("account/api-tokens/<int:pk>/revoke/", account_views.api_token_revoke_view, name="api-token-revoke"),
    path("teams/", team_views.teams, name="teams"),
    path("teams/new/", team_views.team_new, name="team-new"),
    path("teams/<int:pk>/", team_views.team, name="team"),
    path("teams/<int:pk>/lead/", team_views.team_lead, name="team-lead"),
    path("teams/<int:pk>/remove/", team_views.team_remove, name="team-remove"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", account_views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
