from django.apps import AppConfig


class EldercareConfig(AppConfig):
    name = "minzheng.eldercare"
    label = "eldercare"
    verbose_name = "大养老"
