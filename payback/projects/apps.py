from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "payback.projects"
    verbose_name = "Projects"
