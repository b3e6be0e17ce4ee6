from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("policy/", views.policy_list, name="policy"),
    path("policy/<str:key>/", views.policy_detail, name="policy-detail"),
    path("policy/<str:key>/add/", views.policy_add, name="policy-add"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("ping", views.ping, name="ping"),
]
