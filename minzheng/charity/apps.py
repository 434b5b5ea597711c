from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "minzheng.charity"
    label = "charity"
    verbose_name = "大慈善"

    def ready(self):
        # 一人一档 (registry, below us): the household's referrals to charity and their outcome.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("charity", sections, order=50)
