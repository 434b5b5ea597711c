from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "minzheng.homecare"
    label = "homecare"
    verbose_name = "居家养老服务"
