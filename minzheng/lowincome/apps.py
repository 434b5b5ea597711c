from django.apps import AppConfig


class LowincomeConfig(AppConfig):
    name = "minzheng.lowincome"
    verbose_name = "低收入人口动态监测"
