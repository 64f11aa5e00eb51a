"""Pages of the people who take part in an action. Only the action's professionals see them
(`access.can_see_participants`); everybody else is refused with an explanation, since counts are
in the report. « Inscrire cette personne » sends back the identity typed with the chosen match, and
only one of its matches can be enrolled. Writes go through `maillage.actions.operations.participants`."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.actions import access
from maillage.actions.enrolments import action_enrolments, participant_enrolments
from maillage.actions.forms_participants import (
    EligibilityTagForm,
    EnrolmentForm,
    MergeForm,
    ParticipantAddForm,
    PersonForm,
)
from maillage.actions.models import (
    CollectiveAction,
    Enrolment,
    Participant,
)
from maillage.actions.operations import participants as operations
from maillage.organisations.access import require
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import show_operation_errors

ENROLMENT_OPERATION_FIELDS = ("referral", "ladder_step", "joined_on")
# The identity typed on the page: the person chosen must be among its matches.
IDENTITY_FIELDS = ("pseudonym", "age_band", "commune")
EXISTING_ID = forms.IntegerField(min_value=1)


def _action(request: HttpRequest, pk: int) -> CollectiveAction:
    """The action if `request.user` is one of its professionals; 403 with the reason otherwise."""
    action = get_object_or_404(CollectiveAction.objects.select_related("organisation"), pk=pk)
    require(access.can_see_participants(request.user, action), access.participants_refusal())
    return action


def _participant(request: HttpRequest, pk: int) -> Participant:
    participant = get_object_or_404(
        Participant.objects.select_related("commune", "contact_consent_by"), pk=pk
    )
    require(access.can_manage_participant(request.user, participant), access.participants_refusal())
    return participant


def _person_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in operations.PARTICIPANT_FIELDS} | {
        "eligibility_tags": list(data["eligibility_tags"])
    }


@login_required
def participant_list(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    enrolments = action_enrolments(action)
    return render(
        request,
        "actions/participant_list.html",
        {"action": action, "enrolments": enrolments, "show_participants": True},
    )


def _add_page(
    request: HttpRequest,
    action: CollectiveAction,
    form: ParticipantAddForm,
    matches: list[Participant] = (),  # type: ignore[assignment]
) -> HttpResponse:
    return render(
        request,
        "actions/participant_add.html",
        {"action": action, "form": form, "matches": matches, "show_participants": True},
    )


def _existing_id(form: ParticipantAddForm) -> int | None:
    """The « Inscrire cette personne » choice as a number; a form error (not a 500) otherwise."""
    try:
        return EXISTING_ID.clean(form.data.get("existing"))
    except ValidationError:
        form.add_error(None, _("Le choix de la personne à inscrire n'est pas valide."))
        return None


@login_required
def participant_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if request.method != "POST":
        return _add_page(request, action, ParticipantAddForm(actor=request.user))
    form = ParticipantAddForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _add_page(request, action, form)
    data = form.cleaned_data
    enrolment = {name: data[name] for name in ENROLMENT_OPERATION_FIELDS}
    try:
        if request.POST.get("existing"):
            existing_id = _existing_id(form)
            if existing_id is None:
                return _add_page(request, action, form)
            identity = {name: data[name] for name in IDENTITY_FIELDS}
            existing = operations.shown_match(
                actor=request.user, action=action, participant_id=existing_id, **identity
            )
            operations.enrol_participant(
                actor=request.user, action=action, participant=existing, **identity, **enrolment
            )
            messages.success(request, _("La personne est inscrite à l'action."))
            return redirect("actions:participants", pk=action.pk)
        operations.create_participant(
            actor=request.user,
            action=action,
            allow_duplicate=request.POST.get("allow_duplicate") == "1",
            **_person_fields(data),
            **enrolment,
        )
    except ValidationError as error:
        if operations.is_duplicate_refusal(error):
            matches = operations.action_matches(
                request.user, action, data["pseudonym"], data["age_band"], data["commune"]
            )
            return _add_page(request, action, form, matches)
        show_operation_errors(form, error)
        return _add_page(request, action, form)
    messages.success(request, _("La personne est ajoutée à l'action."))
    if request.POST.get("next") == "another":
        return redirect("actions:participant_add", pk=action.pk)
    return redirect("actions:participants", pk=action.pk)


def _person_initial(participant: Participant) -> dict[str, Any]:
    return {
        "pseudonym": participant.pseudonym,
        "age_band": participant.age_band,
        "commune": participant.commune,
        "contact": participant.contact,
        "contact_consent": participant.contact_consent_at is not None,
        "eligibility_tags": list(participant.eligibility_tags.all()),
    }


def _enrolment_form(enrolment: Enrolment, data: Any = None) -> EnrolmentForm:
    return EnrolmentForm(
        data,
        action=enrolment.action,
        prefix=f"enrolment-{enrolment.pk}",
        initial={
            "referral": enrolment.referral,
            "referred_by": enrolment.referred_by_id,
            "ladder_step": enrolment.ladder_step_id,
            "joined_on": enrolment.joined_on,
            "left_on": enrolment.left_on,
        },
    )


@login_required
def participant_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    enrolments = list(participant_enrolments(participant, request.user))
    editable = participant.erased_at is None
    person_form = PersonForm(initial=_person_initial(participant), actor=request.user)
    enrolment_forms = {enrolment.pk: _enrolment_form(enrolment) for enrolment in enrolments}
    if request.method == "POST" and editable:
        target = request.POST.get("form")
        try:
            if target == "person":
                person_form = PersonForm(request.POST, actor=request.user)
                if person_form.is_valid():
                    fields = _person_fields(person_form.cleaned_data)
                    # Tags this worker is not offered (another action's funder) are kept.
                    offered = person_form.fields["eligibility_tags"].queryset
                    fields["eligibility_tags"] += participant.eligibility_tags.exclude(
                        pk__in=offered.values("pk")
                    )
                    operations.update_participant(
                        actor=request.user, participant=participant, **fields
                    )
                    messages.success(request, _("La fiche est enregistrée."))
                    return redirect("actions:participant", pk=participant.pk)
            else:
                enrolment = next((e for e in enrolments if str(e.pk) == target), None)
                if enrolment is not None:
                    form = _enrolment_form(enrolment, request.POST)
                    enrolment_forms[enrolment.pk] = form
                    if form.is_valid():
                        operations.update_enrolment(
                            actor=request.user, enrolment=enrolment, **form.cleaned_data
                        )
                        messages.success(request, _("L'inscription est enregistrée."))
                        return redirect("actions:participant", pk=participant.pk)
        except ValidationError as error:
            form = person_form if target == "person" else enrolment_forms[enrolment.pk]
            show_operation_errors(form, error)
    return render(
        request,
        "actions/participant_detail.html",
        {
            "participant": participant,
            "person_form": person_form,
            "enrolments": [(e, enrolment_forms[e.pk]) for e in enrolments],
            "editable": editable,
        },
    )


def _merge_candidates(request: HttpRequest, participant: Participant) -> QuerySet[Participant]:
    matches = operations.find_duplicates(
        actor=request.user,
        pseudonym=participant.pseudonym,
        age_band=participant.age_band,
        commune=participant.commune,
    )
    return (
        access.visible_participants(request.user)
        .filter(pk__in=[match.pk for match in matches], erased_at__isnull=True)
        .exclude(pk=participant.pk)
        .select_related("commune")
    )


@login_required
def participant_merge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        candidates=_merge_candidates(request, participant),
    )
    conflicts: list[str] = []
    if form.is_valid():
        try:
            operations.merge_participants(
                actor=request.user, keep=participant, duplicate=form.cleaned_data["duplicate"]
            )
        except ValidationError as error:
            conflicts = error.messages
        else:
            messages.success(request, _("Les deux fiches sont fusionnées."))
            return redirect("actions:participant", pk=participant.pk)
    return render(
        request,
        "actions/participant_merge.html",
        {"participant": participant, "form": form, "conflicts": conflicts},
    )


@login_required
@require_POST
def participant_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    data = operations.export_participant(actor=request.user, participant=participant)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="personne-{participant.pk}.json"'
    return response


@login_required
def participant_erase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    if request.method == "POST" and participant.erased_at is None:
        operations.erase_participant(actor=request.user, participant=participant)
        messages.success(request, _("Les données personnelles de cette personne sont effacées."))
        return redirect("actions:participant", pk=participant.pk)
    return render(request, "actions/participant_erase.html", {"participant": participant})


@login_required
def eligibility_tags(request: AuthenticatedRequest) -> HttpResponse:
    form = EligibilityTagForm(
        request.POST if request.method == "POST" else None, actor=request.user
    )
    if form.is_valid():
        try:
            operations.create_eligibility_tag(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("Le critère est créé."))
            return redirect("actions:eligibility_tags")
    tags = operations.available_tags(request.user).order_by("organisation__name", "label")
    return render(
        request,
        "actions/participant_tags.html",
        {"form": form, "tags": tags, "can_create": form.fields["organisation"].queryset.exists()},
    )
