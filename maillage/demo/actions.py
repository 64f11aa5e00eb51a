"""Load the demo collective actions, drawn from the actions named in the 2015 report.

Each action is written by its first facilitator (a demo account) through the actions' own write
functions — the action and its team, partners, funders, objectives and phases; the funders'
eligibility tags; the participants; a series of sessions with their attendance, notes and the
facilitators' time; the logbook — so the demo shows the audit trail, the stability figures and
the reports exactly as real use produces them. Participants carry invented first names only.

Every code of the data file is resolved before the first write: an unknown term, territory,
organisation or account stops the load with a message naming the action. An action whose title
its carrier already uses is skipped, so loading twice creates nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.actions.models import CollectiveAction, EligibilityTag, Presence, SessionStatus
from maillage.actions.operations import actions as action_operations
from maillage.actions.operations import logbook, participants, sessions
from maillage.actions.operations import time as time_operations
from maillage.demo.practices import DemoDataError
from maillage.organisations.models import Organisation, User
from maillage.referential.models import Term, UnknownTermError
from maillage.territories.models import Territory

DATA_FILE = Path(__file__).resolve().parent / "data" / "actions.json"

# One letter per held session in each participant's « attendance »; « - »: not yet in the group.
PRESENCE = {
    "P": Presence.PRESENT,
    "E": Presence.EXCUSED,
    "A": Presence.ABSENT,
    "U": Presence.UNKNOWN,
}
NOT_YET = "-"


def read_actions(path: Path | None = None) -> list[dict[str, Any]]:
    return json.loads((path or DATA_FILE).read_text(encoding="utf-8"))["actions"]


class _Codes:
    """Turns the codes of the data file into database objects and collects every problem."""

    def __init__(self, organisations: Mapping[str, Organisation]) -> None:
        self.organisations = organisations
        self.problems: list[str] = []
        self._spec: Mapping[str, Any] = {}

    def problem(self, message: str) -> None:
        self.problems.append(
            _("Action « %(title)s » : %(message)s")
            % {"title": self._spec.get("title", "?"), "message": message}
        )

    def term(self, scheme: str, code: str | None) -> Term | None:
        if not code:
            return None
        try:
            return Term.objects.get_by_codes(scheme, code)
        except UnknownTermError:
            self.problem(
                _("terme inconnu : %(scheme)s/%(code)s.") % {"scheme": scheme, "code": code}
            )
            return None

    def terms(self, scheme: str, codes: list[str]) -> list[Term]:
        return [term for code in codes if (term := self.term(scheme, code)) is not None]

    def territories(self, pairs: list[list[str]]) -> list[Territory]:
        found, missing = Territory.objects.from_codes([(level, code) for level, code in pairs])
        for level, code in missing:
            self.problem(
                _("territoire inconnu : %(level)s %(code)s.") % {"level": level, "code": code}
            )
        return found

    def commune(self, code: str | None) -> Territory | None:
        if not code:
            return None
        found = self.territories([["commune", code]])
        return found[0] if found else None

    def organisation(self, key: str | None) -> Organisation | None:
        if key is None:
            return None
        organisation = self.organisations.get(key)
        if organisation is None:
            self.problem(_("organisation de démonstration inconnue : %(key)s.") % {"key": key})
        return organisation

    def account(self, email: str) -> User | None:
        user = User.objects.filter(email=email).first()
        if user is None:
            self.problem(_("compte de démonstration inconnu : %(email)s.") % {"email": email})
        return user

    def resolve(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Every object one action of the data file names, looked up before anything is written."""
        self._spec = spec
        if "account" not in spec["facilitators"][0]:
            self.problem(_("la première personne de l'équipe doit avoir un compte : elle écrit."))
        phases = [
            {
                **row,
                "phase": self.term("phase", row["phase"]),
                "start_date": _day(row["start_date"]),
            }
            for row in spec["phases"]
        ]
        return {
            "carrier": self.organisation(spec["carrier"]),
            "isic_form": self.term("isic_form", spec["isic_form"]),
            "isic_subtype": self.term("isic_form", spec.get("isic_subtype")),
            "publics": self.terms("public", spec.get("publics", [])),
            "themes": self.terms("theme", spec.get("themes", [])),
            "territories": self.territories(spec["territories"]),
            "facilitators": [
                {
                    "user": self.account(row["account"]) if "account" in row else None,
                    "name": row.get("name", ""),
                    "function": row["function"],
                    "organisation": self.organisation(row["organisation"])
                    if "account" not in row
                    else self.organisation(spec["carrier"]),
                }
                for row in spec["facilitators"]
            ],
            "partners": [(self.organisation(key), role) for key, role in spec.get("partners", [])],
            "funders": [
                {**row, "organisation": self.organisation(row["organisation"])}
                for row in spec.get("funders", [])
            ],
            "phases": phases,
            "participants": [
                {
                    **row,
                    "commune": self.commune(row.get("commune")),
                    "ladder": self.term("participation_ladder", row.get("ladder")),
                    "referred_by": self.organisation(row.get("referred_by")),
                }
                for row in spec["participants"]
            ],
            "time": [
                {
                    **row,
                    "user": self.account(row["account"]),
                    "phase": self.term("phase", row.get("phase")),
                }
                for row in spec.get("time", [])
            ],
        }


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _tags(admin: User, funders: list[dict[str, Any]]) -> dict[str, EligibilityTag]:
    """The eligibility tag of each funder of the action, created once (by the administrator)."""
    tags = {}
    for funder in funders:
        if not funder.get("tag"):
            continue
        tag = EligibilityTag.objects.filter(
            organisation=funder["organisation"], label=funder["tag"]
        ).first() or participants.create_eligibility_tag(
            actor=admin, organisation=funder["organisation"], label=funder["tag"]
        )
        tags[funder["tag"]] = tag
    return tags


def _phase_on(phases: list[dict[str, Any]], day: date) -> Term | None:
    current = None
    for row in phases:
        if row["start_date"] <= day:
            current = row["phase"]
    return current


def _create(spec: Mapping[str, Any], found: dict[str, Any]) -> CollectiveAction:
    lead = found["facilitators"][0]["user"]
    action = action_operations.create_action(
        actor=lead,
        organisation=found["carrier"],
        title=spec["title"],
        isic_form=found["isic_form"],
        territories=found["territories"],
        start_date=_day(spec["start_date"]),
        group_name=spec.get("group_name", ""),
        description=spec["description"],
        isic_subtype=found["isic_subtype"],
        publics=found["publics"],
        themes=found["themes"],
        group_kind=spec["group_kind"],
        expected_participants=spec.get("expected_participants"),
        end_date=_day(spec.get("end_date")),
        planned_withdrawal=_day(spec.get("planned_withdrawal")),
        status="active",
    )
    action_operations.set_partners(actor=lead, action=action, partners=found["partners"])
    action_operations.set_facilitators(
        actor=lead, action=action, facilitators=found["facilitators"]
    )
    action_operations.set_objectives(
        actor=lead,
        action=action,
        objectives=[{**row, "agreed_on": _day(row.get("agreed_on"))} for row in spec["objectives"]],
    )
    action_operations.set_funders(
        actor=lead,
        action=action,
        funders=[
            {
                "organisation": row["organisation"],
                "amount": Decimal(row["amount"]) if row.get("amount") else None,
                "conditions": row.get("conditions", ""),
                "start_date": _day(row.get("start_date")),
                "end_date": _day(row.get("end_date")),
            }
            for row in found["funders"]
        ],
    )
    for row in found["phases"]:
        action_operations.record_phase(
            actor=lead,
            action=action,
            phase=row["phase"],
            start_date=row["start_date"],
            decisions=row.get("decisions", ""),
        )
    return action


def _run_sessions(
    action: CollectiveAction, spec: Mapping[str, Any], found: dict[str, Any], admin: User
) -> None:
    lead = found["facilitators"][0]["user"]
    series_spec = spec["series"]
    series = sessions.plan_series(
        actor=lead,
        action=action,
        frequency=series_spec["frequency"],
        first_date=_day(series_spec["first_date"]),
        count=series_spec["count"],
        duration_minutes=series_spec["duration_minutes"],
        start_time=time.fromisoformat(series_spec["start_time"]),
        place=series_spec.get("place", ""),
        theme=series_spec.get("theme", ""),
    )
    held = list(series.sessions.order_by("date"))[: spec["held"]]
    tags = _tags(admin, found["funders"])
    people = []
    for row in found["participants"]:
        first = len(row["attendance"]) - len(row["attendance"].lstrip(NOT_YET))
        person = participants.create_participant(
            actor=lead,
            action=action,
            pseudonym=row["pseudonym"],
            age_band=row.get("age_band", ""),
            commune=row["commune"],
            eligibility_tags=[tags[label] for label in row.get("tags", [])],
            referral=row.get("referral", ""),
            referred_by=row["referred_by"],
            ladder_step=row["ladder"],
            joined_on=held[first].date if first else action.start_date,
        )
        people.append((person, row["attendance"]))
    notes = spec.get("session_notes", {})
    for number, session in enumerate(held, start=1):
        for person, marks in people:
            if marks[number - 1] != NOT_YET:
                sessions.mark_attendance(
                    actor=lead,
                    session=session,
                    participant=person,
                    status=PRESENCE[marks[number - 1]],
                )
        session = sessions.update_session(
            actor=lead, session=session, status=SessionStatus.HELD, note=notes.get(str(number), "")
        )
        phase = _phase_on(found["phases"], session.date)
        time_operations.record_session_time(
            actor=lead,
            session=session,
            entries=[
                {
                    "user": proposed.user,
                    "minutes": proposed.minutes or spec.get("preparation_minutes", 0),
                    "activity": proposed.activity,
                    "phase": phase,
                }
                for proposed in time_operations.proposed_session_time(session)
            ],
        )


def _write_down(action: CollectiveAction, spec: Mapping[str, Any], found: dict[str, Any]) -> None:
    lead = found["facilitators"][0]["user"]
    for row in found["time"]:
        time_operations.add_time_entry(
            actor=lead,
            action=action,
            user=row["user"],
            date=_day(row["date"]),
            minutes=row["minutes"],
            activity=row["activity"],
            phase=row["phase"],
            comment=row.get("comment", ""),
        )
    for row in spec["logbook"]:
        logbook.add_log_entry(
            actor=lead,
            action=action,
            date=_day(row["date"]),
            kind=row["kind"],
            text=row["text"],
            outcome=row.get("outcome", ""),
            highlight=row.get("highlight", False),
        )
    if spec.get("final_status"):
        action_operations.update_action(actor=lead, action=action, status=spec["final_status"])


@transaction.atomic
def load_demo_actions(
    *, admin: User, organisations: Mapping[str, Organisation], path: Path | None = None
) -> int:
    """Create every action of the data file that its carrier does not have yet; return how many
    were created. Raises DemoDataError, before writing anything, if the file names a term, a
    territory, an organisation or an account that does not exist."""
    specs = read_actions(path)
    codes = _Codes(organisations)
    resolved = [(spec, codes.resolve(spec)) for spec in specs]
    if codes.problems:
        raise DemoDataError("\n".join(codes.problems))
    existing = set(
        CollectiveAction.objects.filter(title__in=[spec["title"] for spec in specs]).values_list(
            "title", "organisation_id"
        )
    )
    created = 0
    for spec, found in resolved:
        if (spec["title"], found["carrier"].pk) in existing:
            continue
        action = _create(spec, found)
        _run_sessions(action, spec, found, admin)
        _write_down(action, spec, found)
        created += 1
    return created
