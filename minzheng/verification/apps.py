from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "minzheng.verification"
    label = "verification"
    verbose_name = "家庭经济状况核对"

    def ready(self):
        # 一人一档 (registry, below us): this person's records in our domain, each a link.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("verification", sections, order=15)
