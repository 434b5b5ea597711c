from django.apps import AppConfig


class PlacenamesConfig(AppConfig):
    name = "minzheng.placenames"
    verbose_name = "地名管理"
