"""Contributions to a diagnosis: the public questionnaire (no account), the signed-in one of
professionals and partners, sharing the public link, moderation and pooling. Writes go through
`maillage.diagnostics.operations.contributions`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from maillage.diagnostics import access, quota
from maillage.diagnostics.forms_contributions import (
    ModerationForm,
    PublicContributionForm,
    SignedInContributionForm,
)
from maillage.diagnostics.lookups import readable_contribution
from maillage.diagnostics.models import (
    Contribution,
    ContributionStatus,
    Diagnosis,
    DiagnosisStatus,
)
from maillage.diagnostics.operations import contributions as operations
from maillage.diagnostics.operations.diagnoses import allowed_statuses, renew_public_link
from maillage.diagnostics.personal_data import flag_labels, marked
from maillage.diagnostics.qr import qr_svg_file, qr_svg_inline
from maillage.diagnostics.reports.pooling import pooled_contributions
from maillage.organisations.access import require
from maillage.organisations.types import AuthenticatedRequest
from maillage.territories.models import Territory
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors

PER_PAGE = 30
FORM_FIELDS = ("kind", "text", "component", "theme", "commune", "place")


def _communes(diagnosis: Diagnosis) -> QuerySet[Territory]:
    return Territory.objects.communes_of(diagnosis.territory)


def _public(token: str) -> Diagnosis | None:
    return Diagnosis.objects.select_related("territory").filter(public_token=token).first()


def _closed_page(request: HttpRequest, diagnosis: Diagnosis | None) -> HttpResponse:
    """A kind page for a link that is unknown (404) or whose diagnosis no longer listens."""
    return render(
        request,
        "diagnostics/contribute_closed.html",
        {"diagnosis": diagnosis},
        status=404 if diagnosis is None else 200,
    )


def contribute(request: HttpRequest, token: str) -> HttpResponse:
    """The public questionnaire: anyone with the link or the QR code, without an account."""
    diagnosis = _public(token)
    if diagnosis is None or not operations.is_open(diagnosis):
        return _closed_page(request, diagnosis)
    form = PublicContributionForm(request.POST or None, communes=_communes(diagnosis))
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            return redirect("diagnostics:contribute_thanks", token=token)
        try:
            operations.submit_public_contribution(
                token=token,
                client_address=quota.client_address(request),
                contributor_kind=form.cleaned_data["contributor_kind"],
                **{name: form.cleaned_data.get(name) for name in FORM_FIELDS},
            )
        except quota.QuotaExceeded as refusal:
            response = render(
                request,
                "diagnostics/contribute_too_many.html",
                {"diagnosis": diagnosis, "message": str(refusal)},
                status=429,
            )
            response["Retry-After"] = str(refusal.retry_after)
            return response
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # closed while she was writing
                return _closed_page(request, diagnosis)
            show_operation_errors(form, error)
        else:
            return redirect("diagnostics:contribute_thanks", token=token)
    return render(request, "diagnostics/contribute.html", {"diagnosis": diagnosis, "form": form})


def contribute_thanks(request: HttpRequest, token: str) -> HttpResponse:
    diagnosis = _public(token)
    if diagnosis is None:
        return _closed_page(request, None)
    return render(
        request,
        "diagnostics/contribute_thanks.html",
        {"diagnosis": diagnosis, "still_open": operations.is_open(diagnosis)},
    )


@login_required
def contribute_signed_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Professionals and partners contribute with their account; they are named."""
    diagnosis = access.readable_diagnosis(
        request.user, pk, Diagnosis.objects.select_related("territory")
    )
    require(
        access.can_contribute_signed_in(request.user, diagnosis), operations.signed_in_refusal()
    )
    is_open = operations.is_open(diagnosis)
    form = (
        SignedInContributionForm(request.POST or None, communes=_communes(diagnosis))
        if is_open
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            operations.submit_contribution(
                actor=request.user,
                diagnosis=diagnosis,
                **{name: form.cleaned_data.get(name) for name in FORM_FIELDS},
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Merci. Votre contribution sera lue par l'équipe du diagnostic avant d'être publiée."
                ),
            )
            return redirect("diagnostics:contribute_signed_in", pk=diagnosis.pk)
    own = Contribution.objects.filter(diagnosis=diagnosis, author=request.user).order_by(
        "-created_at"
    )
    return render(
        request,
        "diagnostics/contribute_signed_in.html",
        {"diagnosis": diagnosis, "form": form, "own": own[:20]},
    )


def _editable(request: HttpRequest, pk: int) -> Diagnosis:
    diagnosis = access.readable_diagnosis(request.user, pk)
    require(
        access.can_edit_diagnosis(request.user, diagnosis),
        _("Seuls ceux qui conduisent le diagnostic partagent son lien public."),
    )
    return diagnosis


def _public_url(request: HttpRequest, diagnosis: Diagnosis) -> str:
    return request.build_absolute_uri(
        reverse("diagnostics:contribute", args=[diagnosis.public_token])
    )


def _qr_title(diagnosis: Diagnosis) -> str:
    return _("Code QR du lien pour participer au diagnostic « %(title)s »") % {
        "title": diagnosis.title
    }


@login_required
def share(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The public link, its QR code and whether it listens; renewing it cuts the old one."""
    diagnosis = _editable(request, pk)
    if request.method == "POST":
        renew_public_link(actor=request.user, diagnosis=diagnosis)
        messages.success(
            request,
            _("Le lien est renouvelé : l'ancien lien et l'ancien code QR ne marchent plus."),
        )
        return redirect("diagnostics:share", pk=diagnosis.pk)
    url = _public_url(request, diagnosis)
    return render(
        request,
        "diagnostics/share.html",
        {
            "diagnosis": diagnosis,
            "public_url": url,
            "qr": qr_svg_inline(url, title=_qr_title(diagnosis)),
            "is_open": operations.is_open(diagnosis),
            "can_open": DiagnosisStatus.OPEN in allowed_statuses(diagnosis),
        },
    )


@login_required
def share_qr(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    diagnosis = _editable(request, pk)
    response = HttpResponse(
        qr_svg_file(_public_url(request, diagnosis), title=_qr_title(diagnosis)),
        content_type="image/svg+xml",
    )
    response["Content-Disposition"] = f'inline; filename="participer-diagnostic-{diagnosis.pk}.svg"'
    return response


@login_required
def share_poster(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An A4 poster to print and pin where inhabitants pass: a question, the QR code, the link."""
    diagnosis = _editable(request, pk)
    url = _public_url(request, diagnosis)
    return render(
        request,
        "diagnostics/share_poster.html",
        {
            "diagnosis": diagnosis,
            "public_url": url,
            "qr": qr_svg_inline(url, title=_qr_title(diagnosis)),
        },
    )


def _moderable(request: HttpRequest, pk: int) -> Diagnosis:
    diagnosis = access.readable_diagnosis(request.user, pk)
    require(access.can_moderate(request.user, diagnosis), operations.moderation_refusal())
    return diagnosis


def _row_context(contribution: Contribution, form: ModerationForm | None = None) -> dict[str, Any]:
    return {
        "contribution": contribution,
        "marked_text": marked(contribution.text),
        "marked_place": marked(contribution.place),
        "flag_labels": flag_labels(contribution.flags),
        "form": form
        or ModerationForm(
            initial={"text": contribution.text, "place": contribution.place},
            prefix=f"c{contribution.pk}",
        ),
    }


STATUS_TABS = (
    (ContributionStatus.PENDING, "a-moderer", _lazy("À modérer")),
    (ContributionStatus.PUBLISHED, "publiees", _lazy("Publiées")),
    (ContributionStatus.REJECTED, "ecartees", _lazy("Écartées")),
)


@login_required
def moderation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Contributions waiting first; suspicious parts of the text and the place marked; publish
    (after editing them) or reject."""
    diagnosis = _moderable(request, pk)
    slugs = {slug: status for status, slug, _label in STATUS_TABS}
    status = slugs.get(request.GET.get("statut", ""), ContributionStatus.PENDING)
    counts = {
        row["status"]: row["n"]
        for row in diagnosis.contributions.order_by().values("status").annotate(n=Count("id"))
    }
    contributions = (
        diagnosis.contributions.filter(status=status)
        .select_related("commune", "author", "organisation", "moderated_by")
        .order_by("created_at" if status == ContributionStatus.PENDING else "-moderated_at")
    )
    page = Paginator(contributions, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnostics/moderation.html",
        {
            "diagnosis": diagnosis,
            "tabs": [
                (slug, label, counts.get(value, 0), value == status)
                for value, slug, label in STATUS_TABS
            ],
            "status": status,
            "page": page,
            "rows": [_row_context(contribution) for contribution in page],
        },
    )


@login_required
@require_POST
def contribution_moderate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One decision; with htmx the row is swapped in place, otherwise back to the list."""
    contribution = readable_contribution(request.user, pk)
    require(
        access.can_moderate(request.user, contribution.diagnosis), operations.moderation_refusal()
    )
    htmx = request.headers.get("HX-Request") == "true"
    form = ModerationForm(request.POST, prefix=f"c{contribution.pk}")
    error = ""
    if form.is_valid():
        try:
            contribution = operations.moderate_contribution(
                actor=request.user, contribution=contribution, **form.cleaned_data
            )
        except ValidationError as refusal:
            show_operation_errors(form, refusal)
            error = " ".join(refusal.messages)
    else:
        error = _("Vérifiez le texte, le lieu et le motif.")
    if not htmx:
        if error:
            flash_operation_errors(request, ValidationError(error))
        else:
            messages.success(request, _done_message(contribution))
        back = reverse("diagnostics:moderation", args=[contribution.diagnosis_id])
        return redirect(f"{back}#contribution-{contribution.pk}")
    # In 200 even when refused: htmx 2 swaps no 4xx answer.
    context = _row_context(contribution, form if error else None)
    context.update(
        {
            "announce": error or _done_message(contribution),
            "decided": not error,
            "error": error,
        }
    )
    return HttpResponse(render_to_string("diagnostics/moderation_row.html", context, request))


def _done_message(contribution: Contribution) -> str:
    if contribution.status == ContributionStatus.PUBLISHED:
        return _("Contribution publiée.")
    return _("Contribution écartée.")


def pooling(request: HttpRequest, pk: int) -> HttpResponse:
    """What the published contributions say, counted by theme, kind, place and component."""
    diagnosis = access.readable_diagnosis(
        request.user, pk, Diagnosis.objects.select_related("territory")
    )
    return render(
        request,
        "diagnostics/pooling.html",
        {
            "diagnosis": diagnosis,
            "pooling": pooled_contributions(diagnosis),
            "can_moderate": access.can_moderate(request.user, diagnosis),
            "can_contribute": operations.is_open(diagnosis)
            and access.can_contribute_signed_in(request.user, diagnosis),
        },
    )
