from functools import lru_cache

from django import template

from minzheng.core.citations import readable

register = template.Library()


@lru_cache(maxsize=256)
def _phrase(name: str) -> str:
    from minzheng.monitoring.models import TargetRule

    rule = TargetRule.objects.filter(name=name).only("phrase").first()
    return rule.phrase if rule else "按规划规则"


@register.filter
def target_text(value) -> str:
    """A target as printed for a reader: a figure as is, a rule target ('rule:NAME') as the plan's own words."""
    text = "" if value is None else str(value)
    if text.startswith("rule:"):
        return _phrase(text[5:]) if text[5:] else "按规划规则"
    return readable(text)


@register.filter
def plan_figure(value, indicator) -> str:
    """A computed value printed to the plan's own precision for that row ('33.3', not '33.3333')."""
    from minzheng.monitoring.targets import as_printed

    return "—" if value is None else format(as_printed(value, indicator), "f")
