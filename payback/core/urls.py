from django.urls import include, path

from . import views

app_name = "core"

# The policy rules: every rule's value today, one rule's versions, a new version of it.
policy_urls = [
    path("", views.policy_list, name="policy"),
    path("<str:key>/", views.policy_detail, name="policy-detail"),
    path("<str:key>/add/", views.policy_add, name="policy-add"),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("policy/", include(policy_urls)),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("ping", views.ping, name="ping"),
]
