from django.urls import path

from . import staff_views, views

app_name = "portal"

urlpatterns = [
    # The person's own pages (their own sign-in, never a member of staff's)
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/cannot-come/", views.cannot_come, name="cannot-come"),
    path("letters/", views.letters, name="letters"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("contact/", views.contact, name="contact"),
    path("contact/change/", views.contact_change, name="contact-change"),
    path("contact/messages/", views.contact_preference, name="contact-preference"),
    # For staff: what a person told us online
    path("staff/people/<str:crn>/", staff_views.told_us, name="staff-told-us"),
    path("staff/reports/<int:pk>/file/", staff_views.report_file, name="staff-report-file"),
]
