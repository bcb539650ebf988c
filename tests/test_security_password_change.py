"""Password changes: the old password is throttled like a login; no reset without mail."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-pass-42"

#: (password change page, user fixture) for both forms.
FORMS = [
    pytest.param("/portal/password/", "user_a", id="portal"),
    pytest.param("/admin/password_change/", "editor", id="admin"),
]


def _change(client, path, old_password):
    return client.post(
        path,
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(("path", "user_fixture"), FORMS)
def test_wrong_old_passwords_lock_the_password_change(
    request, settings, security_events, path, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    client = Client()
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = _change(client, path, "wrong")
        assert wrong.status_code == 200
        assert "old_password" in wrong.context["form"].errors

    assert _change(client, path, "wrong").status_code == 429
    # During the cool-off even the right old password is refused.
    assert _change(client, path, PASSWORD).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    failures = security_events.named("login_failed")
    assert {event["attempted_username"] for event in failures} == {user.username}
    assert {event["path"] for event in failures} == {path}


@pytest.mark.parametrize(("path", "user_fixture"), FORMS)
def test_the_right_old_password_still_changes_it(request, path, user_fixture):
    user = request.getfixturevalue(user_fixture)
    client = Client()
    client.force_login(user)
    assert _change(client, path, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Changing the password keeps the session (Django's update_session_auth_hash).
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
        "/accounts/password_change/",
    ],
)
def test_no_password_reset_pages_without_mail(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("path", "user_fixture"), FORMS)
def test_the_locked_password_change_says_what_happened_and_when_to_retry(
    request, settings, path, user_fixture, language
):
    from axes.models import AccessAttempt
    from django.utils import timezone

    user = request.getfixturevalue(user_fixture)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(path, {"old_password": "wrong"})
    assert locked.status_code == 429
    last = AccessAttempt.objects.get(username=user.username).attempt_time
    retry_at = timezone.localtime(last + settings.AXES_COOLOFF_TIME).strftime("%H:%M")
    # Still the same time on the next try: attempts during the lockout do not move it.
    page = client.post(path, {"old_password": PASSWORD}).content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if language == "en":
        assert "Too many wrong current passwords" in page
        assert "Your password was not changed" in page
        assert f"blocked for {minutes} minutes: try again after {retry_at}." in page
        assert "登录" not in page and "密码" not in page
    else:
        assert "当前密码错误次数过多" in page
        assert f"锁定 {minutes} 分钟，请于 {retry_at} 之后再试" in page
        for english in ("Too many", "Your password", "try again", "logged in"):
            assert english not in page, english
    assert "login attempts" not in page and "登录尝试" not in page
    assert f'href="{path}"' in page
