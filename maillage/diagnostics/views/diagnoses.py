"""Pages of the diagnosis itself: the list, creation, the readable page (public once published),
its description, steering group, components, status, synthesis and the PDF report.
Reads go through `maillage.diagnostics.access` and QuerySets, writes through
`maillage.diagnostics.operations.diagnoses`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.diagnostics import access
from maillage.diagnostics.forms_diagnoses import (
    DiagnosisForm,
    SectionForm,
    StatusForm,
    SteeringFormSet,
    SynthesisForm,
)
from maillage.diagnostics.listings import listed_diagnoses
from maillage.diagnostics.models import (
    Component,
    Diagnosis,
    DiagnosisStatus,
)
from maillage.diagnostics.operations import diagnoses as operations
from maillage.diagnostics.reading import COMPONENT_EXPLANATIONS, diagnosis_page
from maillage.diagnostics.reports.diagnosis_pdf import report_pdf
from maillage.organisations.access import can_manage_custom_territories
from maillage.organisations.models import User
from maillage.organisations.types import AuthenticatedRequest
from maillage.territories.models import CustomKind
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors

LIST_SIZE = 20


def _readable(request: HttpRequest, pk: int) -> Diagnosis:
    return access.readable_diagnosis(
        request.user, pk, Diagnosis.objects.select_related("organisation", "territory")
    )


def _editable(request: HttpRequest, pk: int) -> Diagnosis:
    """The diagnosis if `request.user` may change it; 403 (in French) if she only reads it."""
    diagnosis = _readable(request, pk)
    if not access.can_edit_diagnosis(request.user, diagnosis):
        raise PermissionDenied(str(operations.EDIT_REFUSAL))
    return diagnosis


def diagnosis_list(request: HttpRequest) -> HttpResponse:
    """The diagnoses the person takes part in, and every published one."""
    page = Paginator(listed_diagnoses(request.user), LIST_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnostics/diagnosis_list.html",
        {"page": page, "can_create": access.can_create_diagnosis(request.user)},
    )


@login_required
def create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_create_diagnosis(request.user):
        raise PermissionDenied(str(operations.CREATE_REFUSAL))
    form = DiagnosisForm(
        request.POST if request.method == "POST" else None,
        organisations=access.carrier_organisations(request.user),
        compose=can_manage_custom_territories(request.user),
    )
    if form.is_bound and form.is_valid():
        try:
            diagnosis = _create(request.user, form)
        except ValidationError as error:
            show_operation_errors(
                form,
                error,
                {"territory_name": "new_territory_name", "territory_kind": "new_territory_kind"},
            )
        else:
            messages.success(
                request,
                _("Le diagnostic est créé. Composez son comité de pilotage, puis ouvrez-le."),
            )
            return redirect(diagnosis)
    return render(request, "diagnostics/diagnosis_form.html", {"form": form, "diagnosis": None})


def _create(actor: User, form: DiagnosisForm) -> Diagnosis:
    data = form.cleaned_data
    return operations.create_diagnosis_where(
        actor=actor,
        organisation=data["organisation"],
        territory_name=data.get("new_territory_name") or "",
        territory_kind=data.get("new_territory_kind") or CustomKind.BASSIN_DE_VIE,
        communes=data.get("communes") or (),
        **form.operation_fields(),
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    diagnosis = _readable(request, pk)
    can_edit = access.can_edit_diagnosis(request.user, diagnosis)
    return render(
        request,
        "diagnostics/diagnosis_detail.html",
        {
            **diagnosis_page(diagnosis, request.user),
            "can_edit": can_edit,
            "show_names": access.reads_as_participant(request.user, diagnosis),
            "next_statuses": operations.allowed_statuses(diagnosis) if can_edit else [],
        },
    )


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    diagnosis = _readable(request, pk)
    response = HttpResponse(report_pdf(request, diagnosis), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="diagnostic-{diagnosis.pk}.pdf"'
    return response


@login_required
def edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    diagnosis = _editable(request, pk)
    form = DiagnosisForm(
        request.POST if request.method == "POST" else None,
        initial=DiagnosisForm.initial_for(diagnosis),
    )
    if form.is_bound and form.is_valid():
        try:
            operations.update_diagnosis(
                actor=request.user, diagnosis=diagnosis, **form.operation_fields()
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("Le diagnostic est enregistré."))
            return redirect(diagnosis)
    return render(
        request, "diagnostics/diagnosis_form.html", {"form": form, "diagnosis": diagnosis}
    )


def _steering_users(diagnosis: Diagnosis) -> QuerySet[User]:
    """Accounts the form offers: those that may sit on the steering group as it stands, and the
    current members (so the form shows them even if they have left)."""
    listed = diagnosis.steering_members.exclude(organisation=None).values_list(
        "organisation_id", flat=True
    )
    current = User.objects.filter(
        pk__in=diagnosis.steering_members.values("user_id"), is_active=True
    )
    return (operations.steering_accounts(diagnosis, listed) | current).order_by(
        "last_name", "first_name", "email"
    )


def steering(request: HttpRequest, pk: int) -> HttpResponse:
    diagnosis = _readable(request, pk)
    can_edit = access.can_edit_diagnosis(request.user, diagnosis)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(str(operations.EDIT_REFUSAL))
    members = diagnosis.steering_members.select_related("organisation", "user").order_by("pk")
    formset = None
    refusals: list[str] = []
    if can_edit:
        formset = SteeringFormSet(
            request.POST if request.method == "POST" else None,
            prefix="members",
            form_kwargs={"users": _steering_users(diagnosis)},
            initial=[
                {
                    "organisation": member.organisation,
                    "user": member.user,
                    "name": member.name,
                    "role": member.role,
                }
                for member in members
            ],
        )
        if formset.is_bound and formset.is_valid():
            try:
                operations.set_steering_group(
                    actor=request.user, diagnosis=diagnosis, members=formset.rows()
                )
            except ValidationError as error:
                refusals = error.messages
            else:
                messages.success(request, _("Le comité de pilotage est enregistré."))
                return redirect("diagnostics:steering", pk=diagnosis.pk)
    return render(
        request,
        "diagnostics/diagnosis_steering.html",
        {
            "diagnosis": diagnosis,
            "members": members,
            "formset": formset,
            "refusals": refusals,
            "can_edit": can_edit,
            "show_names": access.reads_as_participant(request.user, diagnosis),
        },
    )


@login_required
def section(request: AuthenticatedRequest, pk: int, component: str) -> HttpResponse:
    diagnosis = _editable(request, pk)
    if component not in Component.values:
        raise Http404(_("Cette composante n'existe pas."))
    current = diagnosis.sections.filter(component=component).first()
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        initial={"text": current.text if current else ""},
    )
    if form.is_bound and form.is_valid():
        try:
            operations.save_section(
                actor=request.user,
                diagnosis=diagnosis,
                component=component,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("La composante est enregistrée."))
            return redirect(f"{diagnosis.get_absolute_url()}#composante-{component}")
    return render(
        request,
        "diagnostics/diagnosis_section.html",
        {
            "diagnosis": diagnosis,
            "form": form,
            "component": Component(component),
            "explanation": COMPONENT_EXPLANATIONS[component],
        },
    )


@login_required
def synthesis(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    diagnosis = _editable(request, pk)
    form = SynthesisForm(
        request.POST if request.method == "POST" else None,
        initial={"synthesis": diagnosis.synthesis},
    )
    if form.is_bound and form.is_valid():
        try:
            operations.write_synthesis(
                actor=request.user, diagnosis=diagnosis, synthesis=form.cleaned_data["synthesis"]
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("La synthèse est enregistrée."))
            return redirect(diagnosis)
    return render(
        request, "diagnostics/diagnosis_synthesis.html", {"diagnosis": diagnosis, "form": form}
    )


@login_required
@require_POST
def status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    diagnosis = _editable(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un statut."))
        return redirect(diagnosis)
    try:
        operations.set_diagnosis_status(
            actor=request.user, diagnosis=diagnosis, status=form.cleaned_data["status"]
        )
    except ValidationError as error:
        flash_operation_errors(request, error)
    else:
        messages.success(
            request,
            _("Le diagnostic est maintenant « %(status)s ».")
            % {"status": DiagnosisStatus(diagnosis.status).label},
        )
    return redirect(diagnosis)
