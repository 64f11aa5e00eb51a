"""Pages of an action's sessions: the list, planning one session or a series, a session's page
(details, what happened, note), and attendance taken on a phone, one tap per person.

Reads go through QuerySets and `access`, writes through `operations.sessions`. The attendance
tap answers htmx with the participant's row only (and the running count, out of band), so that
it stays small on a slow connection; without JavaScript the whole list is one form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.actions import access
from maillage.actions.attendance_sheet import AttendanceRow, attendance_counts, attendance_rows
from maillage.actions.forms_sessions import (
    HeadcountForm,
    SeriesForm,
    SessionForm,
    SessionReportForm,
)
from maillage.actions.lookups import readable_action
from maillage.actions.models import (
    Attendance,
    CollectiveAction,
    Participant,
    Presence,
    Session,
    SessionStatus,
)
from maillage.actions.operations import sessions as operations
from maillage.actions.redaction import group_redactor
from maillage.actions.reports.stability import group_stability
from maillage.organisations.access import require
from maillage.organisations.types import AuthenticatedRequest
from maillage.web.operation_errors import show_operation_errors

# « Non renseigné » is what a row holds before anyone taps; it is not offered as a button.
TAP_CHOICES = [(value, label) for value, label in Presence.choices if value != Presence.UNKNOWN]


def _action(request: HttpRequest, pk: int) -> CollectiveAction:
    """The action if `request.user` reads it; 404 otherwise, so others' actions stay unknown."""
    return readable_action(request.user, pk)


def _session(action: CollectiveAction, session_pk: int) -> Session:
    session = get_object_or_404(Session, pk=session_pk, action_id=action.pk)
    session.action = action
    return session


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    listed = (
        Session.objects.filter(action_id=action.pk)
        .annotate(
            present=models.Count(
                "attendances", filter=models.Q(attendances__status=Presence.PRESENT)
            )
        )
        .order_by("date", "start_time", "pk")
    )
    today = timezone.localdate()
    upcoming, past = [], []
    for item in listed:
        coming = item.date >= today and item.status == SessionStatus.PLANNED
        (upcoming if coming else past).append(item)
    return render(
        request,
        "actions/sessions.html",
        {
            "action": action,
            "upcoming": upcoming,
            "past": past[::-1],
            "stability": group_stability(action),
            "can_edit": access.can_edit_action(request.user, action),
            "can_take_attendance": access.is_facilitator(request.user, action),
        },
    )


def _plannable(request: AuthenticatedRequest, pk: int) -> CollectiveAction:
    action = _action(request, pk)
    require(
        access.can_edit_action(request.user, action),
        _("Seuls les professionnels de l'action prévoient ses séances."),
    )
    return action


@login_required
def session_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _plannable(request, pk)
    form = SessionForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            session = operations.plan_session(
                actor=request.user, action=action, **form.cleaned_data
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("Séance prévue."))
            return redirect(session)
    return render(request, "actions/session_plan.html", {"action": action, "form": form})


@login_required
def series_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _plannable(request, pk)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = operations.plan_series(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d séance prévue.", "%(count)d séances prévues.", series.count)
                % {"count": series.count},
            )
            return redirect("actions:sessions", action.pk)
    return render(request, "actions/session_series.html", {"action": action, "form": form})


def _details_initial(session: Session) -> dict[str, Any]:
    return {
        "date": session.date,
        "start_time": session.start_time,
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "theme": session.theme,
        "facilitators": list(session.facilitators.all()),
    }


@login_required
def session_page(request: AuthenticatedRequest, pk: int, session_pk: int) -> HttpResponse:
    """The session's details and what happened; POST `part` says which form was sent."""
    action = _action(request, pk)
    session = _session(action, session_pk)
    can_edit = access.can_edit_action(request.user, action)
    part = request.POST.get("part") if request.method == "POST" else None
    details = SessionForm(
        request.POST if part == "details" else None,
        action=action,
        initial=_details_initial(session),
        prefix="details",
    )
    report = SessionReportForm(
        request.POST if part == "report" else None,
        initial={"status": session.status, "headcount": session.headcount, "note": session.note},
        prefix="report",
    )
    headcount = HeadcountForm(request.POST if part == "headcount" else None)
    sees_participants = access.can_see_participants(request.user, action)
    if not sees_participants:
        # The note may name participants: who does not see them does not rewrite it (the field
        # is left out, so saving keeps the note) and reads it without their names (below).
        del report.fields["note"]
    form = {"details": details, "report": report, "headcount": headcount}.get(part or "")
    if form is not None:
        require(can_edit, _("Seuls les professionnels de l'action modifient ses séances."))
        if form.is_valid():
            try:
                operations.update_session(actor=request.user, session=session, **form.cleaned_data)
            except ValidationError as error:
                show_operation_errors(form, error)
            else:
                messages.success(request, _("Séance enregistrée."))
                if part == "headcount":
                    return redirect("actions:attendance", action.pk, session.pk)
                return redirect(session)
        if part == "headcount":
            messages.error(request, " ".join(headcount.errors.get("headcount", [])))
            return redirect("actions:attendance", action.pk, session.pk)
    if not sees_participants:
        # After any write: the session shown is never saved with the names removed.
        session.note = group_redactor(action)(session.note)
    return render(
        request,
        "actions/session.html",
        {
            "action": action,
            "session": session,
            "facilitators": session.facilitators.select_related("user"),
            "counts": attendance_counts(session),
            "details_form": details,
            "report_form": report,
            "can_edit": can_edit,
            "can_take_attendance": sees_participants,
        },
    )


@login_required
def attendance(request: AuthenticatedRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_object_or_404(
        Session.objects.select_related("action"), pk=session_pk, action_id=pk
    )
    if request.method == "POST" and "participant" in request.POST:
        return _tap(request, session)
    require(
        access.can_take_attendance(request.user, session),
        _("Seuls les animateurs de l'action notent les présences."),
    )
    if request.method == "POST":
        return _save_all(request, session)
    return render(
        request,
        "actions/session_attendance.html",
        {
            "action": session.action,
            "session": session,
            "rows": attendance_rows(session),
            "counts": attendance_counts(session),
            "choices": TAP_CHOICES,
            "headcount_form": HeadcountForm(initial={"headcount": session.headcount}),
        },
    )


def _expected_version(request: HttpRequest, participant_pk: int | str) -> int | None:
    seen = request.POST.get(f"version-{participant_pk}", "")
    return int(seen) if seen.isdigit() else None


def _tap(request: AuthenticatedRequest, session: Session) -> HttpResponse:
    """One tap: the operation checks the permission and the enrolment; the answer is the row."""
    participant_pk = request.POST["participant"]
    if not participant_pk.isdigit():
        raise Http404(_("Aucune personne ne porte ce numéro."))
    participant = get_object_or_404(Participant.objects.only("pk", "pseudonym"), pk=participant_pk)
    status = request.POST.get(f"status-{participant.pk}", "")
    try:
        change = operations.mark_attendance(
            actor=request.user,
            session=session,
            participant=participant,
            status=status,
            expected_version=_expected_version(request, participant.pk),
        )
    except ValidationError as error:
        return _refused_tap(request, session, participant, " ".join(error.messages))
    if request.headers.get("HX-Request") != "true":
        _announce_conflicts(request, [change] if change.conflict else [])
        return redirect("actions:attendance", session.action_id, session.pk)
    return _row(session, AttendanceRow(participant, change.attendance, conflict=change.conflict))


def _refused_tap(
    request: HttpRequest, session: Session, participant: Participant, message: str
) -> HttpResponse:
    """A tap refused after the permission check (session cancelled, person gone): the row as
    stored, with the reason in it. In 200, because htmx 2 swaps no 4xx answer and the radio
    would stay on the choice that was not saved."""
    if request.headers.get("HX-Request") != "true":
        messages.error(request, message)
        return redirect("actions:attendance", session.action_id, session.pk)
    stored = (
        Attendance.objects.filter(session_id=session.pk, participant_id=participant.pk)
        .select_related("recorded_by")
        .first()
    )
    return _row(session, AttendanceRow(participant, stored), error=message)


def _row(session: Session, row: AttendanceRow, error: str = "") -> HttpResponse:
    # No request: the row needs no context processor, and each costs the tap time.
    return HttpResponse(
        render_to_string(
            "actions/session_attendance_row.html",
            {
                "row": row,
                "session": session,
                "choices": TAP_CHOICES,
                "counts": attendance_counts(session),
                "out_of_band": True,
                "error": error,
            },
        )
    )


def _announce_conflicts(request: HttpRequest, conflicts: list[operations.AttendanceChange]) -> None:
    for change in conflicts:
        row = AttendanceRow(change.attendance.participant, change.attendance, conflict=True)
        messages.warning(
            request,
            _(
                "%(name)s : déjà noté « %(status)s » par %(who)s à %(when)s — votre choix n'a pas "
                "été enregistré."
            )
            % {
                "name": row.participant.pseudonym,
                "status": row.status_label,
                "who": row.recorded_by,
                "when": row.recorded_at,
            },
        )


def _save_all(request: AuthenticatedRequest, session: Session) -> HttpResponse:
    """The form without JavaScript: apply the rows whose choice changed from what was shown."""
    changes = []
    for row in attendance_rows(session):
        pk = row.participant.pk
        status = request.POST.get(f"status-{pk}", "")
        if not status or status == request.POST.get(f"was-{pk}", ""):
            continue
        try:
            changes.append(
                operations.mark_attendance(
                    actor=request.user,
                    session=session,
                    participant=row.participant,
                    status=status,
                    expected_version=_expected_version(request, pk),
                )
            )
        except ValidationError as error:
            messages.error(request, f"{row.participant.pseudonym} : {' '.join(error.messages)}")
    saved = sum(1 for change in changes if not change.conflict)
    if saved:
        messages.success(
            request,
            ngettext("%(count)d présence enregistrée.", "%(count)d présences enregistrées.", saved)
            % {"count": saved},
        )
    _announce_conflicts(request, [change for change in changes if change.conflict])
    return redirect("actions:attendance", session.action_id, session.pk)
