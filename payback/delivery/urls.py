from django.urls import path

from .views import day, learning, offline, oversight, planning, tools

app_name = "delivery"
urlpatterns = [
    # Planning
    path("", planning.session_list, name="list"),
    path("new/", planning.session_create, name="create"),
    path("weekly/new/", planning.series_create, name="series-create"),
    path("weekly/<int:pk>/", planning.series_detail, name="series"),
    path("absences/new/", planning.absence_create, name="absence-create"),
    path("absences/<int:pk>/", planning.absence_detail, name="absence"),
    path("to-rebook/", planning.to_rebook, name="to-rebook"),
    path("stand-downs/", planning.stand_down_report, name="stand-downs"),
    path("timesheets/new/", planning.timesheet_create, name="timesheet"),
    path("appointments/<int:aid>/cancel/", planning.appointment_cancel, name="appointment-cancel"),
    path("appointments/<int:aid>/rebooked/", planning.mark_rebooked, name="appointment-rebooked"),
    path("<int:pk>/supervisor/", planning.supervisor_change, name="supervisor"),
    path("<int:pk>/book/", planning.appointment_book, name="book"),
    path("<int:pk>/stand-down/", planning.stand_down, name="stand-down"),
    # The supervisor's day
    path("today/", day.today, name="today"),
    # ... and without signal: the service worker (its scope is every page under here) and what it keeps
    path("sw.js", offline.service_worker, name="offline-worker"),
    path("today/offline/", offline.offline_day, name="offline-day"),
    path("<int:pk>/", day.session_detail, name="session"),
    path("<int:pk>/before-work/", day.session_checks, name="checks"),
    path("<int:pk>/register/", day.register, name="register"),
    path("<int:pk>/tools-in/", tools.tools_in, name="tools-in"),
    path("<int:pk>/people/<int:aid>/concern/", day.concern_raise, name="concern-raise"),
    path("<int:pk>/incident/", day.incident_report, name="incident-report"),
    # Practitioners
    path("bookings-to-fix/", oversight.bookings_to_fix, name="bookings-to-fix"),
    path("concerns/", oversight.concern_list, name="concerns"),
    path("concerns/<int:pk>/", oversight.concern_detail, name="concern"),
    # Incidents and vehicles
    path("incidents/", oversight.incident_list, name="incidents"),
    path("incidents/<int:pk>/", oversight.incident_detail, name="incident"),
    path("incidents/<int:pk>/learning-shared/", learning.learning_share, name="learning-share"),
    path("learning/", learning.learning_list, name="learning"),
    path("vehicles/", oversight.vehicle_list, name="vehicles"),
    path("vehicles/drivers/new/", oversight.driver_authorise, name="driver-authorise"),
    path("vehicles/<int:pk>/", oversight.vehicle_detail, name="vehicle"),
    path("vehicles/<int:pk>/check/", oversight.vehicle_check, name="vehicle-check"),
    path("vehicles/<int:pk>/checks/<int:cid>/mileage-in/", oversight.mileage_in, name="mileage-in"),
    path("vehicles/<int:pk>/clear-defect/", oversight.clear_defect, name="clear-defect"),
]
