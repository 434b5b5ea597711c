from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "minzheng.payroll"
    label = "payroll"
    verbose_name = "救助金发放与资金监管"
