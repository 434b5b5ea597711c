from django.apps import AppConfig


class EldercareConfig(AppConfig):
    name = "minzheng.eldercare"
    label = "eldercare"
    verbose_name = "大养老"

    def ready(self):
        # 大救助's facts read the care level from our assessments (assistance sits below us: see its facts.py).
        from minzheng.assistance.facts import register_assessment_readers

        from .selectors import care_levels_on, self_care_on

        register_assessment_readers(self_care_on=self_care_on, care_levels_on=care_levels_on)
        # 工作台 (web shell, below us): this month's visits still to make.
        from minzheng.web.workbench import register

        from .workbench import tasks

        register("eldercare", tasks, order=30)
        # 一人一档 (registry, below us): this person's records in our domain, each a link.
        from minzheng.registry.dossier import register as register_dossier

        from .dossier import sections

        register_dossier("eldercare", sections, order=30)
