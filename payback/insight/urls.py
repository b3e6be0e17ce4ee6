from django.urls import path, register_converter

from . import fairness_views, views


class LevelConverter:
    regex = "national|region|pdu|practitioner"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class BottomConverter(LevelConverter):
    regex = "pdu|practitioner"


class WideConverter(LevelConverter):
    regex = "national|region|pdu"


class FormatConverter(LevelConverter):
    regex = "csv|xlsx"


register_converter(LevelConverter, "level")
register_converter(BottomConverter, "bottom")
register_converter(WideConverter, "wide")
register_converter(FormatConverter, "fmt")

app_name = "insight"
AREA = "<level:level>/<int:pk>"
urlpatterns = [
    path("", views.index, name="index"),
    path("national-return/<int:year>-<int:month>.xlsx", views.national_return, name="national-return"),
    path(f"{AREA}/", views.area, name="area"),
    path(f"{AREA}/figures.<fmt:fmt>", views.area_export, name="area-export"),
    path(f"{AREA}/figures/<slug:code>/", views.figure, name="figure"),
    path(f"{AREA}/figures/<slug:code>.<fmt:fmt>", views.figure_export, name="figure-export"),
    path("<bottom:level>/<int:pk>/figures/<slug:code>/cases/", views.cases, name="cases"),
    path("<wide:level>/<int:pk>/fairness/", fairness_views.fairness_page, name="fairness"),
    path("<wide:level>/<int:pk>/fairness.<fmt:fmt>", fairness_views.fairness_export, name="fairness-export"),
]
