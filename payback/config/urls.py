from django.urls import include, path

from payback.projects.urls import feedback_urlpatterns
from payback.projects.urls import public_urlpatterns as nominate_urlpatterns

urlpatterns = [
    path("", include("payback.home.urls")),
    path("", include("payback.core.urls")),
    path("", include("payback.staff.urls")),
    path("cases/", include("payback.cases.urls")),
    path("projects/", include("payback.projects.urls")),
    path("sessions/", include("payback.delivery.urls")),
    path("enforcement/", include("payback.enforcement.urls")),
    path("allocation/", include("payback.allocation.urls")),
    path("insight/", include("payback.insight.urls")),
    path("quality/", include("payback.quality.urls")),
    path("oversight/", include("payback.oversight.urls")),
    path("notifications/", include("payback.notifications.urls")),
    path("my/", include("payback.portal.urls")),
    path("partners/", include("payback.partners.urls")),
    path("nominate/", include(nominate_urlpatterns)),
    path("feedback/", include(feedback_urlpatterns)),
    path("api/v1/", include("payback.api.urls")),
]

handler404 = "payback.core.views.not_found"
handler500 = "payback.core.views.server_error"
handler403 = "payback.core.views.forbidden"
