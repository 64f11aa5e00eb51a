"""The attendance sheet of a session as read by the page and the API: who is expected (enrolled
and not gone by the session's date), the row each one has, and the running counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.actions.models import Attendance, Enrolment, Participant, Presence, Session


def _enrolled_on(session: Session) -> models.Q:
    """Enrolments of the session's action still running on its date (one join, both tests)."""
    return models.Q(enrolments__action_id=session.action_id) & (
        models.Q(enrolments__left_on__isnull=True) | models.Q(enrolments__left_on__gte=session.date)
    )


@dataclass
class AttendanceRow:
    participant: Participant
    attendance: Attendance | None
    conflict: bool = False

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else Presence.UNKNOWN

    @property
    def status_label(self) -> str:
        return str(Presence(self.status).label)

    @property
    def version(self) -> str:
        return str(self.attendance.version) if self.attendance else ""

    @property
    def recorded_by(self) -> str:
        """« Claire M. », as colleagues call each other."""
        user = self.attendance.recorded_by if self.attendance else None
        if user is None:
            return _("une personne dont le compte a été supprimé")
        if user.first_name and user.last_name:
            return f"{user.first_name} {user.last_name[0]}."
        return user.display_name

    @property
    def recorded_at(self) -> str:
        """« 18 h 02 », the day too when it was not today."""
        moment = timezone.localtime(self.attendance.recorded_at)  # type: ignore[union-attr]
        clock = f"{moment.hour} h {moment.minute:02d}"
        if moment.date() == timezone.localdate():
            return clock
        return _("%(day)s à %(clock)s") % {"day": f"{moment:%d/%m}", "clock": clock}


@dataclass(frozen=True)
class AttendanceCounts:
    enrolled: int
    present: int
    unknown: int


def attendance_counts(session: Session) -> AttendanceCounts:
    """The running count at the top of the attendance page, in one query."""
    here = models.FilteredRelation(
        "participant__attendances",
        condition=models.Q(participant__attendances__session_id=session.pk),
    )
    counts = (
        Enrolment.objects.filter(action_id=session.action_id)
        .filter(models.Q(left_on__isnull=True) | models.Q(left_on__gte=session.date))
        .annotate(here=here)
        .aggregate(
            enrolled=models.Count("pk"),
            present=models.Count("pk", filter=models.Q(here__status=Presence.PRESENT)),
            unknown=models.Count(
                "pk",
                filter=models.Q(here__isnull=True) | models.Q(here__status=Presence.UNKNOWN),
            ),
        )
    )
    return AttendanceCounts(**counts)


def attendance_rows(session: Session) -> list[AttendanceRow]:
    participants = (
        Participant.objects.filter(_enrolled_on(session))
        .only("pk", "pseudonym")
        .order_by("pseudonym", "pk")
        .prefetch_related(
            models.Prefetch(
                "attendances",
                queryset=Attendance.objects.filter(session_id=session.pk).select_related(
                    "recorded_by"
                ),
                to_attr="here",
            )
        )
    )
    return [
        AttendanceRow(participant, participant.here[0] if participant.here else None)
        for participant in participants
    ]
