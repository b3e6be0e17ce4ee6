from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "payback.notifications"
    label = "notifications"
    verbose_name = "Notifications"
