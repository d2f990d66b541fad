from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "siaga.web"
    label = "web"
