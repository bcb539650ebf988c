"""Two staff acting on the same product at the same moment, on two real connections.

The test holds a lock on the product row, starts two admin requests in two threads
(each with its own database connection), waits until PostgreSQL reports both blocked
on that lock, then lets them go: they are guaranteed to contend.
"""

import threading
import time

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from pilot_products import roles
from pilot_products.models import PilotProduct, ReviewStatus
from pilot_products.services import review
from tests import factories
from tests.review_helpers import (
    change_url,
    edition_with_line,
    make_draft,
    make_submitted,
    messages_of,
    transition_url,
)

SKIP_REASON = (
    "Needs PostgreSQL: SQLite has no row locks (SELECT ... FOR UPDATE is ignored) and "
    "lets only one writer at a time into the whole database, so two concurrent "
    "transactions on one row cannot be reproduced. Run with DATABASE_URL=postgres://..."
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=SKIP_REASON),
]


@pytest.fixture(autouse=True)
def _setup(transactional_db, settings):
    # A transactional test before this one may have flushed the groups.
    roles.sync_roles(apps)
    settings.LANGUAGE_CODE = "en"


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Activity statistics are a snapshot per transaction unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def _contend(product, requests):
    """Run ``requests`` in threads, all released at once from a held row lock."""
    results: list = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index, request):
        try:
            results[index] = request()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, request))
        for index, request in enumerate(requests)
    ]
    with transaction.atomic():
        PilotProduct.objects.select_for_update().get(pk=product.pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while _waiting_on_locks() < len(requests):
            assert time.monotonic() < deadline, "the requests never met at the lock"
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_reviewers_deciding_at_once_make_exactly_one_transition(
    editor, reviewer, second_reviewer
):
    _edition, line = edition_with_line()
    product = make_submitted(editor, line)
    approver, rejecter = _client(reviewer), _client(second_reviewer)

    responses = _contend(
        product,
        [
            lambda: approver.post(transition_url(product, review.APPROVE)),
            lambda: rejecter.post(
                transition_url(product, review.REJECT), {"reason": "Not a toy"}
            ),
        ],
    )

    assert [response.status_code for response in responses] == [302, 302]
    product.refresh_from_db()
    assert product.status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED)
    decisions = product.history.filter(
        status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED]
    )
    assert decisions.count() == 1
    winner, loser = (
        (approver, rejecter)
        if product.status == ReviewStatus.APPROVED
        else (rejecter, approver)
    )
    assert messages_of(winner.get(change_url(product))) == [
        (review.MSG_APPROVED if winner is approver else review.MSG_REJECTED)
        % {"product": product.code}
    ]
    (refusal,) = messages_of(loser.get(change_url(product)))
    assert refusal.startswith(
        f"{product.code} was already decided by {product.decided_by.username} at "
    )


def test_two_reviewers_approving_at_once_approve_once(
    editor, reviewer, second_reviewer
):
    _edition, line = edition_with_line()
    product = make_submitted(editor, line)
    first, second = _client(reviewer), _client(second_reviewer)

    _contend(
        product,
        [
            lambda: first.post(transition_url(product, review.APPROVE)),
            lambda: second.post(transition_url(product, review.APPROVE)),
        ],
    )

    product.refresh_from_db()
    assert product.status == ReviewStatus.APPROVED
    assert product.history.filter(status=ReviewStatus.APPROVED).count() == 1
    shown = messages_of(first.get(change_url(product))) + messages_of(
        second.get(change_url(product))
    )
    assert review.MSG_APPROVED % {"product": product.code} in shown
    assert sum("was already decided by" in message for message in shown) == 1


def test_two_editors_saving_at_once_never_overwrite_each_other(editor):
    _edition, line = edition_with_line()
    product = make_draft(editor, line, name_en="Original")
    other_editor = factories.make_staff_user("editor-2", roles.CATALOGUE_EDITOR)
    first, second = _client(editor), _client(other_editor)

    def save(client, name):
        return lambda: client.post(
            change_url(product),
            {
                "code": product.code,
                "name_zh": product.name_zh,
                "name_en": name,
                "pilot_category": product.pilot_category,
                "tariff_lines": [line.pk],
                "requirements": product.requirements,
                "revision": product.revision,
            },
        )

    responses = _contend(product, [save(first, "First"), save(second, "Second")])

    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 302]
    saved, refused = sorted(responses, key=lambda response: response.status_code != 302)
    product.refresh_from_db()
    winner_name = "First" if responses[0] is saved else "Second"
    assert product.name_en == winner_name
    assert product.revision == 2
    assert product.history.filter(history_change_reason="Edited").count() == 1
    winner_user = editor if responses[0] is saved else other_editor
    assert refused.context["adminform"].form.non_field_errors() == [
        review.MSG_STALE_REVISION
        % {"product": product.code, "user": winner_user.username}
    ]
