"""Finding an indicator, a contribution or a priority for a page or an API call, with a French
404: for a contribution or a priority, the same answer whether it does not exist or its
diagnosis is not the user's to read, so that identifiers reveal nothing. (A diagnosis itself is
found by `access.readable_diagnosis`.)"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.diagnostics import access
from maillage.diagnostics.models import Contribution, Indicator, Priority
from maillage.organisations.models import User


def indicator_by_code(code: str, indicators: QuerySet[Indicator] | None = None) -> Indicator:
    """The indicator `code` (from `indicators`, to choose what is loaded with it): the catalogue
    is open data, so no permission applies."""
    indicator = (
        (indicators if indicators is not None else Indicator.objects).filter(code=code).first()
    )
    if indicator is None:
        raise Http404(_("Aucun indicateur ne porte le code « %(code)s ».") % {"code": code})
    return indicator


def readable_contribution(user: User | AnonymousUser, pk: int) -> Contribution:
    """The contribution `pk` if `user` reads its diagnosis (whether she may see it waiting for
    moderation is the caller's business)."""
    contribution = (
        Contribution.objects.select_related("diagnosis", "commune", "author", "organisation")
        .filter(pk=pk)
        .first()
    )
    if contribution is None or not access.can_view_diagnosis(user, contribution.diagnosis):
        raise Http404(_("Aucune contribution ne porte ce numéro."))
    return contribution


def readable_priority(user: User | AnonymousUser, pk: int) -> Priority:
    """The priority `pk` if `user` reads its diagnosis."""
    priority = (
        Priority.objects.select_related("diagnosis", "diagnosis__territory").filter(pk=pk).first()
    )
    if priority is None or not access.can_view_diagnosis(user, priority.diagnosis):
        raise Http404(_("Aucune priorité ne porte ce numéro."))
    return priority
