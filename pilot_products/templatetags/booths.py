"""A booth's address as each language's page shows it.

Chinese pages write it the way Yiwu does (``5区 7门 1楼 12街 12345``); English pages
say it in English and keep the Chinese beside it, which is what a taxi driver or
the Mall's signs read.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.filter
def booth_address(booth) -> str:
    if booth is None:
        return ""
    if (get_language() or "zh-hans").startswith("zh"):
        return format_html('<span class="booth">{}</span>', booth.address)
    return format_html(
        '<span class="booth">{}</span> <span class="booth-zh" lang="zh-Hans">({})</span>',
        booth.address_en,
        booth.address,
    )
