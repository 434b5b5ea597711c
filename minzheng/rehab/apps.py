from django.apps import AppConfig


class RehabConfig(AppConfig):
    name = "minzheng.rehab"
    verbose_name = "精神障碍社区康复"
