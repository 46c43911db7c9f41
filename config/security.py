"""Who is knocking: the client address behind the reverse proxies, and the audit trail of logins."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

audit = logging.getLogger("phoihop.audit")


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address the TRUSTED_PROXY_COUNT-th proxy saw when the app sits behind proxies.

    Only the entries appended by our own proxies are trusted: a client can put anything it likes at the
    left of X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.info("login username=%s ip=%s", user.get_username(), client_ip(request) if request else "")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit.warning(
        "login_failed username=%s ip=%s", credentials.get("username", ""), client_ip(request) if request else ""
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    audit.info("logout username=%s ip=%s", user.get_username() if user else "", client_ip(request) if request else "")
