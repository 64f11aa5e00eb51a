"""Tell people that something awaits them: an entry in their inbox and an e-mail, sent once the
transaction that caused it has committed (no message about a change that was rolled back)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from maillage.organisations.models import Notification, User

_silenced: ContextVar[bool] = ContextVar("notifications_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Write without telling anyone: bulk loads (demo data, imports) must not flood inboxes."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def notify(recipients: Iterable[User], message: str, url: str = "") -> list[Notification]:
    if _silenced.get():
        return []
    people = {user.pk: user for user in recipients if user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, message=message[:300], url=url) for user in people.values()
    )
    body = f"{message}\n\n{settings.MAILLAGE_BASE_URL}{url}\n" if url else f"{message}\n"
    emails = [
        (f"[Maillage] {message[:80]}", body, None, [user.email])
        for user in people.values()
        if user.email
    ]
    transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=True))
    return notifications


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
