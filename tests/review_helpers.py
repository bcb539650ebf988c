"""Shared setup for the review workflow tests: products in each state, admin URLs."""

from django.contrib.auth.models import Group
from django.urls import reverse

from pilot_products import roles
from pilot_products.models import PilotCategory, PilotProduct, ReviewStatus
from pilot_products.services import review
from tests import factories


def edition_with_line():
    """An edition in force (since 2022-03-01) and one tariff line on it."""
    edition = factories.make_edition()
    return edition, factories.make_tariff_line(edition=edition)


def make_draft(editor, line, **fields) -> PilotProduct:
    defaults = {
        "status": ReviewStatus.DRAFT,
        "created_by": editor,
        "requirements": "CCC certification (toys); Chinese label",
        "pilot_category": PilotCategory.CHILDRENS_TOYS,
    }
    return factories.make_pilot_product(tariff_lines=[line], **(defaults | fields))


def make_submitted(editor, line, **fields) -> PilotProduct:
    product = make_draft(editor, line, **fields)
    return review.pilot_product_submit(product=product, user=editor).product


def make_approved(editor, reviewer, line, **fields) -> PilotProduct:
    product = make_submitted(editor, line, **fields)
    return review.pilot_product_approve(product=product, user=reviewer).product


def make_rejected(editor, reviewer, line, **fields) -> PilotProduct:
    product = make_submitted(editor, line, **fields)
    return review.pilot_product_reject(
        product=product, user=reviewer, reason="Wrong tariff line"
    ).product


def make_editor_reviewer(username="editor-reviewer"):
    """Someone in both groups: the four-eyes rule must still stop them."""
    user = factories.make_staff_user(username, roles.CATALOGUE_EDITOR)
    user.groups.add(Group.objects.get(name=roles.PILOT_REVIEWER))
    return user


def transition_url(product, action) -> str:
    return reverse(
        "admin:pilot_products_pilotproduct_transition", args=[product.pk, action]
    )


def change_url(product) -> str:
    return reverse("admin:pilot_products_pilotproduct_change", args=[product.pk])


def changelist_url() -> str:
    return reverse("admin:pilot_products_pilotproduct_changelist")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
