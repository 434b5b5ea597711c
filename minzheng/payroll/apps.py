from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "minzheng.payroll"
    label = "payroll"
    verbose_name = "救助金发放与资金监管"

    def ready(self):
        # 工作台 (web shell, below us): anomalies and rosters waiting for this user.
        from minzheng.web.workbench import register

        from .workbench import tasks

        register("payroll", tasks, order=20)
        # 一人一档 (registry, below us): this person's records in our domain, each a link.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("payroll", sections, order=20)
