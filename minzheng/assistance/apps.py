from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "minzheng.assistance"
    label = "assistance"
    verbose_name = "大救助"

    def ready(self):
        # The payroll (below us) labels and cross-checks programmes it cannot import: hand it our registry.
        from minzheng.payroll.reference import register_programme_lookup

        from .programmes.base import find_programme

        register_programme_lookup(find_programme)
        # 核对 (below us) runs reports for our applications: it reads them through our scoped selector.
        from minzheng.verification.selectors import register_application_reader

        from .selectors import application_for_verification

        register_application_reader(application_for_verification)
        # 工作台 (web shell, below us): our waiting steps, from the same selectors as the lists.
        from minzheng.web.workbench import register

        from .workbench import tasks

        register("assistance", tasks, order=10)
        # 一人一档 (registry, below us): this person's records in our domain, each a link.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("assistance", sections, order=10)
