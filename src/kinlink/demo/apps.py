from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kinlink.demo"
    label = "demo"
