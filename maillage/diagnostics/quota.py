"""How many contributions one client may send through a public link, without storing who it is.

The client is its address, read from `REMOTE_ADDR`, or from `X-Forwarded-For` only behind the
number of reverse proxies `settings.TRUSTED_PROXY_COUNT` declares (so that a browser cannot forge
its address to escape the limit). The address itself is never stored: each window counts under a
keyed hash of the address, the day and the window (`ContributionQuota.client_key`), which changes
every day and says nothing to whoever reads the table. Rows older than a day are deleted as
contributions arrive.

An IPv6 client counts by its /64 network: an internet provider gives a household (or a server)
a whole /64, billions of addresses it may change at will, so one address each would be no limit.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.diagnostics.models import ContributionQuota, Diagnosis


@dataclass(frozen=True)
class Window:
    length: datetime.timedelta
    limit: int


# A household may write several things in a row; a script may not flood the moderators.
WINDOWS = (
    Window(datetime.timedelta(minutes=10), 5),
    Window(datetime.timedelta(days=1), 30),
)


class QuotaExceeded(Exception):
    """Too many contributions from one client: the page answers 429, the API 429 in JSON."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message())


def message() -> str:
    return _(
        "Vous avez envoyé beaucoup de messages en peu de temps. Merci ! Attendez un peu avant "
        "d'en envoyer un autre."
    )


def client_address(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies:
        # Each trusted proxy appends the address it received the request from: the client is
        # the one the outermost proxy saw, `proxies` places from the end.
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _window_start(now: datetime.datetime, length: datetime.timedelta) -> datetime.datetime:
    epoch = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return epoch + ((now - epoch) // length) * length


def client_id(address: str) -> str:
    """What identifies a client: its IPv4 address, or the /64 network of its IPv6 address (an
    IPv4 address written in IPv6, `::ffff:192.0.2.1`, is the IPv4 one)."""
    try:
        parsed = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def client_key(address: str, day: datetime.date, window: Window) -> str:
    message = f"{client_id(address)}|{day.isoformat()}|{int(window.length.total_seconds())}"
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def count_contribution(diagnosis: Diagnosis, address: str) -> None:
    """Count one contribution of the client at `address` in every window, or raise
    `QuotaExceeded` when one of them is full. Call it inside the transaction that saves the
    contribution: a refusal rolls the counts back with it, and the conditional increment keeps
    concurrent requests from passing the limit together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("count_contribution runs inside the contribution's transaction")
    now = timezone.now()
    ContributionQuota.objects.filter(window_start__lt=now - datetime.timedelta(days=1)).delete()
    day = now.astimezone(datetime.UTC).date()
    for window in WINDOWS:
        start = _window_start(now, window.length)
        quota, _created = ContributionQuota.objects.get_or_create(
            client_key=client_key(address, day, window), diagnosis=diagnosis, window_start=start
        )
        counted = ContributionQuota.objects.filter(pk=quota.pk, count__lt=window.limit).update(
            count=F("count") + 1
        )
        if not counted:
            raise QuotaExceeded(retry_after=int((start + window.length - now).total_seconds()) + 1)
