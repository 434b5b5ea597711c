from django.apps import AppConfig


class SocialorgsConfig(AppConfig):
    name = "minzheng.socialorgs"
    label = "socialorgs"
    verbose_name = "社会组织"
