"""« Capitaliser » : the button of an action that opens its new draft practice sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.actions.lookups import readable_action
from maillage.actions.operations.capitalise import capitalise_action
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import flash_operation_errors


@login_required
@require_POST
def capitalise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = readable_action(request.user, pk)
    try:
        practice = capitalise_action(actor=request.user, action=action)
    except ValidationError as error:
        flash_operation_errors(request, error)
        return redirect(action)
    messages.success(
        request,
        _(
            "Le brouillon de la fiche « %(title)s » est prêt, pré-rempli à partir de l'action : "
            "relisez-le, complétez-le, puis soumettez-le à relecture."
        )
        % {"title": practice.title},
    )
    return redirect("practices:update", pk=practice.pk)
