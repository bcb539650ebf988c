"""The reviewer's queue on the admin index page."""

from django import template

from pilot_products.models import PilotProduct
from pilot_products.services.review import PERM_REVIEW

register = template.Library()

#: How many waiting products the admin index lists; the count covers them all.
SHOWN = 15


@register.inclusion_tag("admin/pilot_products/_review_queue.html", takes_context=True)
def review_queue_panel(context):
    user = context["request"].user
    if not user.has_perm(PERM_REVIEW):
        return {"hidden": True}
    queue = PilotProduct.objects.waiting_for_reviewer(user)
    return {
        "count": queue.count(),
        "products": list(
            queue.select_related("submitted_by").order_by("-needs_review", "code")[
                :SHOWN
            ]
        ),
    }
