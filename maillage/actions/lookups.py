"""Finding an action for a page or an API call: the same answer for an action that does not
exist and for one the user may not read, so that identifiers reveal nothing."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.actions import access
from maillage.actions.models import CollectiveAction
from maillage.organisations.models import User


def readable_action(
    user: User | AnonymousUser,
    pk: int,
    actions: QuerySet[CollectiveAction] | None = None,
) -> CollectiveAction:
    """The action `pk` (from `actions`, to choose what is loaded with it) if `user` reads it."""
    action = (actions if actions is not None else CollectiveAction.objects).filter(pk=pk).first()
    if action is None or not access.can_view_action(user, action):
        raise Http404(_("Aucune action collective ne porte ce numéro."))
    return action
