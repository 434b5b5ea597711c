from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "minzheng.children"
    verbose_name = "大儿童保障"
    default_auto_field = "django.db.models.BigAutoField"
