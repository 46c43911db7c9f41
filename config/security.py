"""Who is knocking: the client address behind the reverse proxies, and the audit trail of logins."""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.utils import timezone

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


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, locking the pair (account, address) after AXES_FAILURE_LIMIT failures,
    and an address whatever the account after the larger AXES_IP_FAILURE_LIMIT.

    Locking the account alone let anyone lock a clerk out of her own desk with five wrong passwords from
    anywhere; locking the pair keeps her desk open while the guesser's address is stopped. The separate,
    slower limit per address stops one client from trying account after account."""

    def address_failures(self, request) -> int:
        ip = getattr(request, "axes_ip_address", None) or client_ip(request)
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        attempts = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            if self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
                request.axes_locked_out = True  # this very failure shows the lockout page
