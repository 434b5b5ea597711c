from django.apps import AppConfig


class CarefacilityConfig(AppConfig):
    name = "minzheng.carefacility"
    verbose_name = "养老机构与设施"
