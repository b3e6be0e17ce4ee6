from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "payback.delivery"
    label = "delivery"
    verbose_name = "Delivery"
