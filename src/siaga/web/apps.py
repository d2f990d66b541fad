from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "siaga.web"
    label = "web"

    def ready(self):
        # The last installed app: every other app has registered its providers by now.
        from siaga import features

        if providers := features.module("planning", "providers"):
            providers.verify()
