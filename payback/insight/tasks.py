"""The background task that brings the figures up to date (run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def refresh_figures() -> int:
    from .services import figures_refresh

    return figures_refresh().cells
