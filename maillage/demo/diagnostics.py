"""Load the demo of the shared territorial diagnosis: sample indicators and one diagnosis.

The sample indicators (`data/diagnostics/indicateurs_exemple.json`) are invented values for the
communes of the Nord and the Pas-de-Calais, marked `is_sample`, their labels ending « (exemple) »
and their source saying they are fictitious. Their values come from a CSV file in the layout of
INSEE downloads, read and imported by the same functions as a user's file, so the demo goes
through the real import and its validation report.

The diagnosis (`data/diagnostics/diagnostic.json`) draws on the 2015 report's call for a shared,
participatory diagnosis by bassin de vie: a steering group of demo organisations, the five
components, contributions sent through the public link and by professionals, their moderation,
votes and decisions on priorities — one of them tied to a demo collective action — and a
synthesis, each written by the diagnostics app's own write functions and by the demo account
that would do it. It stays « en mise en commun » so that visitors can still vote and decide.

Loading twice creates nothing the second time: indicators are created once, values imported
while the sample indicators have none, and a diagnosis whose title its carrier already uses is
left as it is.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.actions.models import CollectiveAction
from maillage.demo.practices import DemoDataError
from maillage.diagnostics.catalogue import load_catalogue
from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.models import (
    Aggregation,
    Contribution,
    Diagnosis,
    DiagnosisStatus,
    Indicator,
    IndicatorValue,
)
from maillage.diagnostics.operations import contributions as contribution_operations
from maillage.diagnostics.operations import diagnoses as diagnosis_operations
from maillage.diagnostics.operations import priorities as priority_operations
from maillage.diagnostics.operations.indicators import (
    POPULATION,
    ImportReport,
    create_indicator,
    import_indicator_values,
)
from maillage.organisations.models import Organisation, User
from maillage.territories.models import Territory

DATA_DIR = Path(__file__).resolve().parent / "data" / "diagnostics"
INDICATORS_FILE = DATA_DIR / "indicateurs_exemple.json"
DIAGNOSIS_FILE = DATA_DIR / "diagnostic.json"
# Documentation addresses (RFC 5737): each public contribution comes from its own « client »,
# as from the inhabitants' own phones, so that the rate limit applies as in real use.
CLIENT_ADDRESS = "203.0.113.{}"


def read_sample_indicators() -> dict[str, Any]:
    return json.loads(INDICATORS_FILE.read_text(encoding="utf-8"))


def read_demo_diagnosis() -> dict[str, Any]:
    return json.loads(DIAGNOSIS_FILE.read_text(encoding="utf-8"))


def _create_indicators(admin: User, spec: Mapping[str, Any]) -> list[Indicator]:
    """Sums first: ratios name them (and the national `population`) by code."""
    if not Indicator.objects.filter(code=POPULATION).exists():
        load_catalogue()
    entries = sorted(spec["indicators"], key=lambda entry: "numerator" in entry)
    found = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(
            code__in=[POPULATION, *(entry["code"] for entry in entries)]
        )
    }
    for entry in entries:
        if entry["code"] in found:
            continue
        ratio = "numerator" in entry
        found[entry["code"]] = create_indicator(
            actor=admin,
            code=entry["code"],
            label=entry["label"],
            theme=entry["theme"],
            unit=entry["unit"],
            definition=entry["definition"],
            source=spec["source"],
            year=spec["year"],
            is_sample=True,
            aggregation=Aggregation.RATIO if ratio else Aggregation.SUM,
            numerator=found[entry["numerator"]] if ratio else None,
            denominator=found[entry["denominator"]] if ratio else None,
            scale=entry.get("scale", 1),
        )
    return [found[entry["code"]] for entry in spec["indicators"]]


def load_sample_indicators(admin: User) -> ImportReport | None:
    """Create the sample indicators and import their values; the import's report, or None when
    the values were already there. Communes missing from the database (a test geography) are
    reported by the import and skipped, as in a user's file."""
    spec = read_sample_indicators()
    indicators = _create_indicators(admin, spec)
    sums = [indicator for indicator in indicators if not indicator.is_ratio]
    if IndicatorValue.objects.filter(indicator__in=sums).exists():
        return None
    path = DATA_DIR / spec["values_file"]
    table = read_indicator_table(path.read_bytes(), path.name)
    return import_indicator_values(actor=None, table=table, file_name=path.name)


class _Resolver:
    """The accounts, organisations, territories and indicators the diagnosis file names, each
    problem collected so that nothing is written when one is missing."""

    def __init__(self, organisations: Mapping[str, Organisation]) -> None:
        self.organisations = organisations
        self.problems: list[str] = []

    def _missing(self, what: str, code: Any) -> None:
        self.problems.append(
            _("Diagnostic de démonstration : %(what)s inconnu(e) : %(code)s.")
            % {"what": what, "code": code}
        )

    def organisation(self, key: str | None) -> Organisation | None:
        if key is None:
            return None
        if key not in self.organisations:
            self._missing(_("organisation"), key)
        return self.organisations.get(key)

    def account(self, email: str | None) -> User | None:
        if email is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            self._missing(_("compte"), email)
        return user

    def territory(self, level: str, code: str | None) -> Territory | None:
        if code is None:
            return None
        territory = Territory.objects.filter(level=level, code=code).first()
        if territory is None:
            self._missing(_("territoire"), f"{level} {code}")
        return territory

    def indicators(self, codes: list[str]) -> list[Indicator]:
        found = list(Indicator.objects.filter(code__in=codes))
        for code in sorted(set(codes) - {indicator.code for indicator in found}):
            self._missing(_("indicateur"), code)
        return found

    def action(self, title: str | None) -> CollectiveAction | None:
        if title is None:
            return None
        action = CollectiveAction.objects.filter(title=title).first()
        if action is None:
            self._missing(_("action collective"), title)
        return action


def _resolve(spec: Mapping[str, Any], organisations: Mapping[str, Organisation]) -> dict[str, Any]:
    resolver = _Resolver(organisations)
    found = {
        "carrier": resolver.organisation(spec["carrier"]),
        "author": resolver.account(spec["author"]),
        "territory": resolver.territory(*spec["territory"]),
        "indicators": resolver.indicators(spec["indicators"]),
        "steering": [
            {
                "organisation": resolver.organisation(member.get("organisation")),
                "user": resolver.account(member.get("account")),
                "name": member.get("name", ""),
                "role": member.get("role", ""),
            }
            for member in spec["steering"]
        ],
        "communes": {
            item["commune"]: resolver.territory("commune", item["commune"])
            for item in spec["contributions"]
            if item.get("commune")
        },
        "accounts": {
            email: resolver.account(email)
            for email in {item["via"] for item in spec["contributions"] if item["via"] != "public"}
            | {email for item in spec["priorities"] for email in item["votes"]}
            | {item["proposed_by"] for item in spec["priorities"]}
        },
        "actions": {
            item["action"]: resolver.action(item["action"])
            for item in spec["priorities"]
            if item.get("action")
        },
    }
    if resolver.problems:
        raise DemoDataError("\n".join(resolver.problems))
    return found


def _contribute(
    diagnosis: Diagnosis, spec: Mapping[str, Any], found: dict[str, Any]
) -> list[Contribution]:
    """Send every contribution, then publish those not left pending, as the coordinator would."""
    sent: list[Contribution] = []
    for number, item in enumerate(spec["contributions"], start=1):
        fields = {
            "kind": item["kind"],
            "text": item["text"],
            "theme": item["theme"],
            "component": item["component"],
            "place": item["place"],
            "commune": found["communes"].get(item.get("commune")),
        }
        if item["via"] == "public":
            sent.append(
                contribution_operations.submit_public_contribution(
                    token=diagnosis.public_token,
                    client_address=CLIENT_ADDRESS.format(number),
                    contributor_kind=item["contributor_kind"],
                    **fields,
                )
            )
        else:
            sent.append(
                contribution_operations.submit_contribution(
                    actor=found["accounts"][item["via"]], diagnosis=diagnosis, **fields
                )
            )
    for contribution, item in zip(sent, spec["contributions"], strict=True):
        if not item.get("pending"):
            contribution_operations.moderate_contribution(
                actor=found["author"],
                contribution=contribution,
                decision=contribution_operations.Decision.PUBLISH,
            )
    return sent


def _prioritise(
    diagnosis: Diagnosis,
    spec: Mapping[str, Any],
    found: dict[str, Any],
    contributions: list[Contribution],
) -> None:
    author = found["author"]
    for item in spec["priorities"]:
        priority = priority_operations.propose_priority(
            actor=found["accounts"][item["proposed_by"]],
            diagnosis=diagnosis,
            title=item["title"],
            description=item["description"],
            component=item["component"],
            theme=item["theme"],
            contributions=[contributions[index] for index in item["contributions"]],
        )
        for email in item["votes"]:
            priority_operations.vote_for_priority(actor=found["accounts"][email], priority=priority)
        if item.get("decision"):
            priority_operations.decide_priority(
                actor=author, priority=priority, status=item["decision"], rank=item.get("rank")
            )
        if item.get("action"):
            # The professional who proposed the priority runs the action that answers it.
            priority_operations.link_action_to_priority(
                actor=found["accounts"][item["proposed_by"]],
                priority=priority,
                action=found["actions"][item["action"]],
            )


@transaction.atomic
def load_demo_diagnosis(*, organisations: Mapping[str, Organisation]) -> Diagnosis | None:
    """Create the demo diagnosis unless its carrier already has one of that title; None then.
    Raises DemoDataError, before writing anything, if the file names something missing."""
    spec = read_demo_diagnosis()
    found = _resolve(spec, organisations)
    if Diagnosis.objects.filter(title=spec["title"], organisation=found["carrier"]).exists():
        return None
    author = found["author"]
    diagnosis = diagnosis_operations.create_diagnosis(
        actor=author,
        organisation=found["carrier"],
        title=spec["title"],
        territory=found["territory"],
        kind=spec["kind"],
        purpose=spec["purpose"],
        start_date=datetime.date.fromisoformat(spec["start_date"]),
        indicators=found["indicators"],
    )
    diagnosis_operations.set_steering_group(
        actor=author, diagnosis=diagnosis, members=found["steering"]
    )
    for component, text in spec["sections"].items():
        diagnosis_operations.save_section(
            actor=author, diagnosis=diagnosis, component=component, text=text
        )
    diagnosis_operations.set_diagnosis_status(
        actor=author, diagnosis=diagnosis, status=DiagnosisStatus.OPEN
    )
    contributions = _contribute(diagnosis, spec, found)
    # The closing date is set once the contributions are in: a past date closes the link.
    diagnosis_operations.update_diagnosis(
        actor=author,
        diagnosis=diagnosis,
        end_date=datetime.date.fromisoformat(spec["end_date"]),
    )
    diagnosis_operations.set_diagnosis_status(
        actor=author, diagnosis=diagnosis, status=DiagnosisStatus.ANALYSIS
    )
    _prioritise(diagnosis, spec, found, contributions)
    diagnosis_operations.write_synthesis(
        actor=author, diagnosis=diagnosis, synthesis=spec["synthesis"]
    )
    return diagnosis


def load_demo_diagnostics(
    *, admin: User, organisations: Mapping[str, Organisation]
) -> Diagnosis | None:
    """The sample indicators, then the demo diagnosis that names some of them."""
    load_sample_indicators(admin)
    return load_demo_diagnosis(organisations=organisations)
