from django.urls import path

from . import staff_views, views

app_name = "partners"

urlpatterns = [
    # The beneficiary contact's own pages (their own sign-in, never a member of staff's)
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path("placements/<int:pk>/people/<int:person>/timesheet/", views.timesheet_new, name="timesheet-new"),
    path("tell-us/", views.report, name="report"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    # For staff who manage beneficiaries: the named contacts
    path("staff/beneficiaries/<int:pk>/contacts/", staff_views.contacts, name="staff-contacts"),
    path(
        "staff/beneficiaries/<int:pk>/contacts/<int:contact>/remove/",
        staff_views.contact_remove,
        name="staff-contact-remove",
    ),
]
