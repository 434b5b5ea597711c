from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "minzheng.community"
    label = "community"
    verbose_name = "城乡社区治理"

    def ready(self):
        # 工作台 (web shell, below us): bodies whose term has ended and awaits 换届.
        from minzheng.web.workbench import register

        from .workbench import tasks

        register("community", tasks, order=60)
