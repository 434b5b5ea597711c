from django.apps import AppConfig


class VagrancyConfig(AppConfig):
    name = "minzheng.vagrancy"
    verbose_name = "流浪乞讨人员救助"
