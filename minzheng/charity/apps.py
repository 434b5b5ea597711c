from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "minzheng.charity"
    label = "charity"
    verbose_name = "大慈善"
