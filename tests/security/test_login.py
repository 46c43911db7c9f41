"""Login security: throttling per account and per address, audit entries, session expiry after
inactivity, and logout everywhere after a password change."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse

PASSWORD = "dung-mat-khau-2025"


@pytest.fixture
def account(db):
    return get_user_model().objects.create_user("hoinongdan", password=PASSWORD)


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_good_login_is_audited(account, client, caplog):
    with caplog.at_level(logging.INFO, logger="phoihop.audit"):
        response = _login(client, "hoinongdan", PASSWORD)
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="hoinongdan", ip_address="203.0.113.7").count() == 1
    assert "login username=hoinongdan ip=203.0.113.7" in caplog.text


def test_a_failed_login_says_so_in_vietnamese_and_is_audited(account, client, caplog):
    with caplog.at_level(logging.INFO, logger="phoihop.audit"):
        response = _login(client, "hoinongdan", "sai-mat-khau")
    assert response.status_code == 200
    assert "Vui lòng điền vào" in response.content.decode()  # Django's own Vietnamese message
    assert AccessFailureLog.objects.filter(username="hoinongdan").count() == 1
    assert "login_failed username=hoinongdan" in caplog.text


def test_the_account_is_locked_at_the_address_that_failed_five_times(account, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "hoinongdan", f"sai-{n}", ip="198.51.100.9")
    response = _login(client, "hoinongdan", PASSWORD, ip="198.51.100.9")  # even with the right password
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Her own desk is another address: she is not locked out there.
    assert _login(client, "hoinongdan", PASSWORD, ip="192.0.2.200").status_code == 302


def test_one_wrong_password_from_each_of_five_addresses_locks_nobody(account, client, settings):
    """The first release locked the account everywhere after this (outside probe, issue 13 item 12)."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "hoinongdan", "sai", ip=f"198.51.100.{n}")
    assert _login(client, "hoinongdan", PASSWORD, ip="192.0.2.200").status_code == 302


def test_an_address_is_locked_after_its_own_larger_limit_whatever_the_account(account, client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 12
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        _login(client, f"nguoi-doan-{n}", "sai", ip="203.0.113.66")  # one guess per account, account after account
    other = get_user_model().objects.create_user("ldld-tinh", password=PASSWORD)
    assert _login(client, other.username, PASSWORD, ip="203.0.113.66").status_code == 302  # below the limit
    client.logout()
    response = _login(client, "nguoi-doan-x", "sai", ip="203.0.113.66")  # the limit-th failure
    assert response.status_code == 429
    assert _login(client, other.username, PASSWORD, ip="203.0.113.66").status_code == 429
    assert _login(client, other.username, PASSWORD, ip="203.0.113.67").status_code == 302


def test_attempts_from_a_locked_address_do_not_count_against_the_accounts(account, client, settings):
    settings.AXES_IP_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT + 1
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        _login(client, f"khac-{n}", "sai", ip="203.0.113.80")
    for _ in range(settings.AXES_FAILURE_LIMIT):  # refused at the door: not recorded
        assert _login(client, "hoinongdan", "sai", ip="203.0.113.80").status_code == 429
    assert not AccessAttempt.objects.filter(username="hoinongdan").exists()
    assert _login(client, "hoinongdan", PASSWORD, ip="192.0.2.10").status_code == 302


def test_the_lock_ends_after_the_cool_off(account, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "hoinongdan", f"sai-{n}", ip="198.51.100.9")
    assert _login(client, "hoinongdan", PASSWORD, ip="198.51.100.9").status_code == 429
    with time_machine.travel(
        datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    ):
        assert _login(client, "hoinongdan", PASSWORD, ip="198.51.100.9").status_code == 302


def test_a_success_before_the_limit_clears_the_failures(account, client, settings):
    _login(client, "hoinongdan", "sai")
    assert AccessAttempt.objects.filter(username="hoinongdan").exists()
    assert _login(client, "hoinongdan", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="hoinongdan").exists()
    client.logout()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):  # the earlier failure no longer counts towards the limit
        _login(client, "hoinongdan", f"sai-{n}")
    assert _login(client, "hoinongdan", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_the_one_throttled(account, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        {"username": "hoinongdan", "password": "sai"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",  # the client lied about 1.2.3.4; our proxy saw .9
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_the_session_expires_after_inactivity_and_each_request_renews_it(account, client, settings):
    age = settings.SESSION_COOKIE_AGE
    with time_machine.travel(datetime.datetime(2025, 12, 1, 8, 0, tzinfo=datetime.UTC)) as clock:
        client.force_login(account)
        assert client.get(reverse("home")).status_code == 200
        clock.shift(age - 60)
        assert client.get(reverse("home")).status_code == 200  # still in, and this request renews it
        clock.shift(age - 60)
        assert client.get(reverse("home")).status_code == 200  # past the first expiry: renewed
        clock.shift(age + 1)
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_changing_the_password_logs_out_every_other_session(account, client, django_user_model):
    from django.test import Client

    other_device = Client()
    other_device.force_login(account)
    assert other_device.get(reverse("home")).status_code == 200

    client.force_login(account)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "mat-khau-moi-2026!", "new_password2": "mat-khau-moi-2026!"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # this session stays
    assert other_device.get(reverse("home")).status_code == 302  # the other one is sent to the login page


def test_the_password_policy_refuses_a_short_or_common_password(account, client):
    client.force_login(account)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mật khẩu này quá ngắn: cần ít nhất 10 ký tự." in page
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
