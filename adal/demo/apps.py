from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "adal.demo"
    label = "demo"
    verbose_name = "Demo scenario"
