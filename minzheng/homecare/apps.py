from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "minzheng.homecare"
    label = "homecare"
    verbose_name = "居家养老服务"

    def ready(self):
        # 工作台 (web shell, below us): orders waiting for this user.
        from minzheng.web.workbench import register

        from .workbench import tasks

        register("homecare", tasks, order=40)
        # 一人一档 (registry, below us): this person's records in our domain, each a link.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("homecare", sections, order=40)
