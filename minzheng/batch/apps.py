from django.apps import AppConfig


class BatchConfig(AppConfig):
    name = "minzheng.batch"
    label = "batch"
    verbose_name = "全省批处理作业"
