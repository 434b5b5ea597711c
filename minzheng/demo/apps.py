from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a fresh install (`setup_demo`): the top layer, imports every app, imported by none."""

    name = "minzheng.demo"
    label = "demo"
