"""Every role's first login ends where its work is, and every refusal says why and
offers a way on: staff land in the admin, a suspended company's user is told, and
the portal's "Access denied" links to the admin and to logging out."""

import pytest
from django.test import Client

from pilot_products.models import WholesalerStatus
from pilot_products.views import accounts as account_views
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(username, *, next_url=None) -> tuple[Client, object]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client, client.post(LOGIN, data, REMOTE_ADDR="10.5.1.20")


@pytest.mark.parametrize("next_url", [None, "", "/portal/", "/portal/listings/"])
def test_staff_logging_in_through_the_site_land_in_the_admin(operator, next_url):
    _client, response = _login(operator.username, next_url=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_staff_asking_for_an_admin_page_get_it(editor):
    _client, response = _login(
        editor.username, next_url="/admin/pilot_products/pilotproduct/"
    )
    assert response["Location"] == "/admin/pilot_products/pilotproduct/"


def test_a_wholesaler_user_lands_in_the_portal(user_a):
    client, response = _login(user_a.username)
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_a_suspended_wholesalers_user_is_told_why_not_bounced(user_a, wholesaler_a):
    wholesaler_a.status = WholesalerStatus.SUSPENDED
    wholesaler_a.save()
    client, response = _login(user_a.username)
    assert response.status_code == 200
    expected = account_views.MSG_WHOLESALER_SUSPENDED % {
        "wholesaler": str(wholesaler_a)
    }
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_ended_by_a_suspension_says_so_on_the_login_page(
    user_a, wholesaler_a
):
    client, _response = _login(user_a.username)
    # Suspended behind the service's back (so the middleware ends the session).
    type(wholesaler_a).objects.filter(pk=wholesaler_a.pk).update(
        status=WholesalerStatus.SUSPENDED
    )
    page = client.get("/portal/", follow=True)
    assert page.request["PATH_INFO"] == LOGIN
    assert str(account_views.MSG_SESSION_SUSPENDED) in page.content.decode()
    # Said once: a reload shows the plain form.
    assert str(account_views.MSG_SESSION_SUSPENDED) not in (
        client.get(LOGIN).content.decode()
    )


def test_staff_in_the_portal_get_a_way_to_the_admin_and_out(operator):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(operator)
    response = client.get("/portal/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'href="/admin/"' in page
    assert 'action="/accounts/logout/"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_portal_denial_for_a_non_staff_account_offers_logging_out(db):
    from tests import factories

    loner = factories.make_user("no-company")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(loner)
    response = client.get("/portal/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'action="/accounts/logout/"' in page
    assert 'href="/admin/"' not in page
