from django.apps import AppConfig


class FuneralConfig(AppConfig):
    name = "minzheng.funeral"
    verbose_name = "殡葬服务"
