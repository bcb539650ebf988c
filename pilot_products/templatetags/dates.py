"""Elapsed time as a plain count of days.

Django's ``timesince`` writes "1 month, 4 weeks" as ``1 月，4 周`` in Chinese, which
reads like "January"; a stock confirmation's age is counted in days instead.
"""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_ago(moment: datetime | None) -> int | str:
    if moment is None:
        return ""
    return max(0, (timezone.now() - moment).days)
