from django.apps import AppConfig


class SocialworkConfig(AppConfig):
    name = "minzheng.socialwork"
    label = "socialwork"
    verbose_name = "社工站（双百工程）"
