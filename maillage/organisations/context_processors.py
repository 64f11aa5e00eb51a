from __future__ import annotations

from django.http import HttpRequest

from maillage.organisations.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, object]:
    """The unread count of the header's badge: one indexed count, for signed-in people only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": Notification.objects.filter(
            recipient_id=user.pk, read_at__isnull=True
        ).count()
    }
