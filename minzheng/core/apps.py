from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "minzheng.core"
    label = "core"

    def ready(self):
        from . import fieldguard

        fieldguard.connect()
