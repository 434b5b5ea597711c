from django.apps import AppConfig


class LotteryConfig(AppConfig):
    name = "minzheng.lottery"
    label = "lottery"
    verbose_name = "福利彩票"
