import pytest
from django.contrib.auth.models import Group

from pilot_products import roles

pytestmark = pytest.mark.django_db


def _codenames(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "codename", flat=True
        )
    )


def test_the_four_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.PILOT_REVIEWER,
        roles.CATALOGUE_EDITOR,
        roles.MALL_OPERATOR,
        roles.WHOLESALER_USER,
    }


def test_group_permissions_match_the_role_table():
    for group_name, codenames in roles.ROLE_PERMISSIONS.items():
        assert _codenames(group_name) == set(codenames)


def test_only_reviewers_review_and_only_editors_submit():
    assert "review_pilotproduct" in _codenames(roles.PILOT_REVIEWER)
    assert "review_pilotproduct" not in _codenames(roles.CATALOGUE_EDITOR)
    assert "submit_pilotproduct" in _codenames(roles.CATALOGUE_EDITOR)
    assert "submit_pilotproduct" not in _codenames(roles.PILOT_REVIEWER)


def test_operators_manage_wholesalers_but_not_the_pilot_list():
    operator = _codenames(roles.MALL_OPERATOR)
    assert {"add_wholesaler", "change_booth", "change_listing"} <= operator
    assert (
        not {"change_pilotproduct", "add_tariffline", "review_pilotproduct"} & operator
    )


def test_wholesaler_users_get_no_admin_permissions():
    assert _codenames(roles.WHOLESALER_USER) == set()


def test_reviewers_publish_pilot_lists_but_never_edit_them():
    reviewer = _codenames(roles.PILOT_REVIEWER)
    assert "publish_pilotlist" in reviewer
    assert not {"change_pilotlist", "add_pilotlist", "change_pilotproduct"} & reviewer
    assert "publish_pilotlist" not in _codenames(roles.CATALOGUE_EDITOR)
