from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "payback.projects"
    label = "projects"
    verbose_name = "Projects"
