"""Mall operators suspend wholesalers in the admin; their users are logged out at once."""

import pytest
from django.contrib.sessions.models import Session

from pilot_products.models import Wholesaler, WholesalerStatus

pytestmark = pytest.mark.django_db


def _portal_session_count(user) -> int:
    return sum(
        1
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def _change_form_data(wholesaler, **changes):
    data = {
        "name_zh": wholesaler.name_zh,
        "name_en": wholesaler.name_en,
        "credit_code": wholesaler.credit_code,
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
        "status": wholesaler.status,
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "booths-TOTAL_FORMS": "0",
        "booths-INITIAL_FORMS": "0",
    }
    return data | changes


def test_suspending_in_the_change_form_ends_the_users_sessions(
    client, operator, wholesaler_a, user_a
):
    portal = client.__class__()
    portal.force_login(user_a)
    assert portal.get("/portal/").status_code == 200
    assert _portal_session_count(user_a) == 1

    client.force_login(operator)
    url = f"/admin/pilot_products/wholesaler/{wholesaler_a.pk}/change/"
    response = client.post(url, _change_form_data(wholesaler_a, status="suspended"))
    assert response.status_code == 302, response.content[:2000]

    wholesaler_a.refresh_from_db()
    assert wholesaler_a.status == WholesalerStatus.SUSPENDED
    assert _portal_session_count(user_a) == 0
    assert portal.get("/portal/").status_code == 302
    assert wholesaler_a.history.first().status == WholesalerStatus.SUSPENDED


def test_suspend_and_reactivate_actions(
    client, operator, wholesaler_a, wholesaler_b, user_a
):
    portal = client.__class__()
    portal.force_login(user_a)
    client.force_login(operator)
    changelist = "/admin/pilot_products/wholesaler/"
    client.post(
        changelist,
        {"action": "suspend_selected", "_selected_action": [wholesaler_a.pk]},
    )
    assert (
        Wholesaler.objects.get(pk=wholesaler_a.pk).status == WholesalerStatus.SUSPENDED
    )
    assert Wholesaler.objects.get(pk=wholesaler_b.pk).status == WholesalerStatus.ACTIVE
    assert _portal_session_count(user_a) == 0

    client.post(
        changelist,
        {"action": "reactivate_selected", "_selected_action": [wholesaler_a.pk]},
    )
    assert Wholesaler.objects.get(pk=wholesaler_a.pk).status == WholesalerStatus.ACTIVE


def _bulk_messages(client, action, *wholesalers):
    response = client.post(
        "/admin/pilot_products/wholesaler/",
        {"action": action, "_selected_action": [w.pk for w in wholesalers]},
        follow=True,
    )
    return [(m.level, str(m)) for m in response.context["messages"]]


def test_bulk_suspend_and_reactivate_say_what_they_did(
    client, operator, wholesaler_a, wholesaler_b
):
    from django.contrib import messages

    from pilot_products.admin import trade

    client.force_login(operator)
    client.cookies["django_language"] = "en"
    assert _bulk_messages(client, "suspend_selected", wholesaler_a) == [
        (
            messages.SUCCESS,
            trade.MSG_SUSPENDED % {"count": 1, "names": str(wholesaler_a)},
        )
    ]
    assert _bulk_messages(client, "suspend_selected", wholesaler_a, wholesaler_b) == [
        (
            messages.SUCCESS,
            trade.MSG_SUSPENDED % {"count": 1, "names": str(wholesaler_b)},
        ),
        (
            messages.WARNING,
            trade.MSG_ALREADY_SUSPENDED % {"count": 1, "names": str(wholesaler_a)},
        ),
    ]
    [(level, text)] = _bulk_messages(
        client, "reactivate_selected", wholesaler_a, wholesaler_b
    )
    assert level == messages.SUCCESS
    assert text.startswith("2 wholesaler(s) reactivated")
    assert str(wholesaler_a) in text and str(wholesaler_b) in text
    # Nothing left to do: the answer is red, not a green success.
    assert _bulk_messages(client, "reactivate_selected", wholesaler_a) == [
        (
            messages.ERROR,
            trade.MSG_ALREADY_ACTIVE % {"count": 1, "names": str(wholesaler_a)},
        )
    ]
