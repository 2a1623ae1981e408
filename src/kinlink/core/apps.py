from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kinlink.core"
    label = "core"
