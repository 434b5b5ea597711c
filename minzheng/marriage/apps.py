from django.apps import AppConfig


class MarriageConfig(AppConfig):
    name = "minzheng.marriage"
    verbose_name = "婚姻登记"
