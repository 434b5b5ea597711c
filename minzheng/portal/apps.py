from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "minzheng.portal"
    label = "portal"
    verbose_name = "居民掌上办"
