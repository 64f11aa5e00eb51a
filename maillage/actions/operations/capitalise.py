"""« Capitaliser » : turn a collective action into a draft practice sheet, so nothing is typed twice.

The sheet is written from what the action already records (objectives, team, partners,
funders, sessions, phases, time, logbook) and goes through the practices' own write function,
which validates it and keeps its revision history. It is a draft: the professionals rewrite it,
then submit it for review as any other sheet.

A practice sheet is meant to be read by everyone, so it carries figures and never a participant's
name: participants are counted, not listed, and any first name or pseudonym of the group that a
professional wrote in the logbook is removed from the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.actions import access
from maillage.actions.models import (
    ActionStatus,
    CollectiveAction,
    Enrolment,
    LogEntry,
    LogKind,
    SessionStatus,
    TimeEntry,
)
from maillage.actions.redaction import group_redactor
from maillage.actions.reports.stability import Stability, group_stability
from maillage.actions.reports.time import duration, time_totals
from maillage.organisations import audit
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import Organisation, User
from maillage.practices.models import OrganisationRole, Practice
from maillage.practices.operations import create_practice
from maillage.web.numbers import french_number

TITLE_LENGTH = Practice._meta.get_field("title").max_length
SUMMARY_LENGTH = Practice._meta.get_field("summary").max_length
FINISHED = {ActionStatus.COMPLETED, ActionStatus.CANCELLED}


@transaction.atomic
def capitalise_action(*, actor: User, action: CollectiveAction) -> Practice:
    """Create the draft sheet of `action` and link it (`action.practice`). Refused while the
    action already has a sheet: the professionals complete that one instead."""
    require(
        access.can_edit_action(actor, action),
        _("Seuls les professionnels de l'action peuvent la capitaliser en fiche de pratique."),
    )
    # Locked so that two clicks on « Capitaliser » cannot create two sheets.
    stored = CollectiveAction.objects.select_for_update().get(pk=action.pk)
    if stored.practice_id is not None:
        title = Practice.objects.filter(pk=stored.practice_id).values_list("title", flat=True)
        raise ValidationError(
            {
                "practice": _(
                    "Cette action a déjà sa fiche de pratique « %(title)s » : complétez-la "
                    "plutôt que d'en créer une seconde."
                )
                % {"title": title.first()}
            }
        )
    practice = create_practice(
        actor=actor, organisation=_sheet_organisation(actor, stored), **draft_fields(stored)
    )
    stored.practice = practice
    stored.save(update_fields=["practice", "updated_at"])
    audit.record(
        actor,
        "capitalise_action",
        stored,
        before={"practice": None},
        after={"practice": practice.pk},
    )
    action.practice = practice
    return practice


def _sheet_organisation(actor: User, action: CollectiveAction) -> Organisation | None:
    """The carrier, so its members edit the sheet too; none when the author (a facilitator from
    another organisation) may not attach sheets to it — the carrier is still named on it."""
    if is_national_admin(actor) or action.organisation_id in organisation_ids(actor):
        return action.organisation
    return None


def draft_fields(action: CollectiveAction) -> dict[str, Any]:
    """The keyword arguments of `create_practice` for the draft sheet of `action`."""
    participants = Enrolment.objects.filter(action=action).count()
    texts = {
        "title": _title(action),
        "summary": _summary(action, participants),
        "objectives": _objectives(action),
        "carriers_and_partners": _carriers_and_partners(action),
        "description": _description(action, participants),
        "means": _means(action),
        "results": _results(action),
        "pitfalls": _pitfalls(action),
        "voices": _voices(action),
    }
    redact = group_redactor(action)
    texts = {name: redact(text) for name, text in texts.items()}
    texts["title"] = _clip(texts["title"], TITLE_LENGTH)
    texts["summary"] = _clip(texts["summary"], SUMMARY_LENGTH)
    isic_forms = [action.isic_form, *([action.isic_subtype] if action.isic_subtype else [])]
    return {
        **texts,
        "isic_forms": [term for term in isic_forms if term.is_active],
        "publics": list(action.publics.filter(is_active=True)),
        "themes": list(action.themes.filter(is_active=True)),
        "territories": list(action.territories.all()),
        "organisations": _organisations(action),
        "start_date": action.start_date,
        "end_date": action.end_date,
        "ongoing": action.status not in FINISHED,
        "participants_count": participants,
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _euros(amount: Decimal) -> str:
    decimals = 0 if amount == amount.to_integral_value() else 2
    return _("%(amount)s €") % {
        "amount": formats.number_format(amount, decimals, use_l10n=True, force_grouping=True)
    }


def _lines(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _title(action: CollectiveAction) -> str:
    return f"{action.title} ({action.group_name})" if action.group_name else action.title


def _summary(action: CollectiveAction, participants: int) -> str:
    if action.description.strip():
        return action.description.strip()
    held = action.sessions.filter(status=SessionStatus.HELD).count()
    return _(
        "Action « %(form)s » portée par %(carrier)s sur %(territories)s depuis le %(start)s : "
        "%(participants)s, %(sessions)s."
    ) % {
        "form": action.isic_form.label,
        "carrier": action.organisation.name,
        "territories": ", ".join(territory.name for territory in action.territories.all()),
        "start": _date(action.start_date),
        "participants": ngettext("%(n)s participant", "%(n)s participants", participants)
        % {"n": participants},
        "sessions": ngettext("%(n)s séance tenue", "%(n)s séances tenues", held) % {"n": held},
    }


def _objectives(action: CollectiveAction) -> str:
    blocks = []
    for objective in action.objectives.prefetch_related("indicators"):
        agreed = ""
        if objective.agreed_by and objective.agreed_on:
            agreed = _("Convenu avec %(who)s le %(date)s.") % {
                "who": objective.agreed_by,
                "date": _date(objective.agreed_on),
            }
        elif objective.agreed_by:
            agreed = _("Convenu avec %(who)s.") % {"who": objective.agreed_by}
        indicators = [
            _("%(label)s (%(kind)s, cible : %(target)s)")
            % {
                "label": indicator.label,
                "kind": indicator.get_kind_display().lower(),
                "target": indicator.target,
            }
            if indicator.target
            else f"{indicator.label} ({indicator.get_kind_display().lower()})"
            for indicator in objective.indicators.all()
        ]
        blocks.append(
            _lines(
                f"- {objective.statement}",
                f"  {agreed}" if agreed else "",
                "  " + _("Indicateurs : %(list)s.") % {"list": " ; ".join(indicators)}
                if indicators
                else "",
            )
        )
    return "\n".join(blocks)


def _carriers_and_partners(action: CollectiveAction) -> str:
    partners = [
        f"{partner.organisation.name} — {partner.role}"
        if partner.role
        else partner.organisation.name
        for partner in action.partners.select_related("organisation")
    ]
    funders = [
        f"{funder.organisation.name} : {_euros(funder.amount)}"
        if funder.amount is not None
        else funder.organisation.name
        for funder in action.funders.select_related("organisation")
    ]
    return _lines(
        _("Porteur : %(name)s.") % {"name": action.organisation.name},
        _lines(_("Partenaires :"), _bullets(partners)) if partners else "",
        _lines(_("Financeurs :"), _bullets(funders)) if funders else "",
    )


def _sessions_text(action: CollectiveAction) -> str:
    counts = dict(
        action.sessions.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    held = counts.get(SessionStatus.HELD, 0)
    planned = sum(counts.values())
    if not planned:
        return ""
    held_dates = action.sessions.filter(status=SessionStatus.HELD).order_by("date")
    first, last = held_dates.first(), held_dates.last()
    text = ngettext(
        "%(held)s séance tenue sur %(planned)s prévue",
        "%(held)s séances tenues sur %(planned)s prévues",
        planned,
    ) % {"held": held, "planned": planned}
    if first and last:
        text += " " + _("(du %(first)s au %(last)s)") % {
            "first": _date(first.date),
            "last": _date(last.date),
        }
    rhythms = [
        _("%(frequency)s, %(count)s séances de %(duration)s à partir du %(first)s")
        % {
            "frequency": series.get_frequency_display().lower(),
            "count": series.count,
            "duration": duration(series.duration_minutes),
            "first": _date(series.first_date),
        }
        for series in action.series.order_by("first_date")
    ]
    if rhythms:
        text += " ; " + _("rythme : %(rhythms)s") % {"rhythms": " ; ".join(rhythms)}
    return text + "."


def _description(action: CollectiveAction, participants: int) -> str:
    form = action.isic_form.label
    if action.isic_subtype:
        form = f"{form} — {action.isic_subtype.label}"
    group = action.get_group_kind_display()
    if action.expected_participants is not None:
        people = _("%(expected)s participants attendus, %(actual)s inscrits.") % {
            "expected": action.expected_participants,
            "actual": participants,
        }
    else:
        people = ngettext(
            "%(n)s participant inscrit.", "%(n)s participants inscrits.", participants
        ) % {"n": participants}
    sessions = _sessions_text(action)
    phases = [
        _lines(
            _("%(phase)s (à partir du %(date)s)")
            % {"phase": phase.phase.label, "date": _date(phase.start_date)},
            f"  {phase.decisions}" if phase.decisions else "",
        )
        for phase in action.phases.select_related("phase").order_by("start_date", "pk")
    ]
    handover = ""
    if action.status == ActionStatus.HANDED_OVER:
        handover = _("Les professionnels se sont retirés : le groupe a pris le relais.")
    elif action.planned_withdrawal:
        handover = _(
            "Retrait des professionnels et passage de relais au groupe prévus le %(date)s."
        ) % {"date": _date(action.planned_withdrawal)}
    return _lines(
        _("Forme d'intervention : %(form)s. %(group)s.") % {"form": form, "group": group},
        people,
        _("Séances : %(text)s") % {"text": sessions} if sessions else "",
        _lines(_("Étapes et décisions :"), "\n".join(f"- {p}" for p in phases)) if phases else "",
        handover,
    )


def _means(action: CollectiveAction) -> str:
    totals = time_totals(TimeEntry.objects.filter(action=action), by="activity")
    minutes = sum(total.minutes for total in totals)
    time = ""
    if minutes:
        time = _("Temps consacré par les professionnels : %(total)s, dont %(detail)s.") % {
            "total": duration(minutes),
            "detail": ", ".join(
                f"{str(total.label).lower()} {duration(total.minutes)}" for total in totals
            ),
        }
    functions = [
        f"{facilitator.function} ({facilitator.organisation.name})"
        if facilitator.organisation
        else facilitator.function
        for facilitator in action.facilitators.select_related("organisation")
        if facilitator.function
    ]
    funders = [
        f"{funder.organisation.name} : {_euros(funder.amount)}"
        + (f" ({funder.conditions})" if funder.conditions else "")
        for funder in action.funders.select_related("organisation")
        if funder.amount is not None
    ]
    return _lines(
        time,
        _("Équipe d'animation : %(list)s.") % {"list": ", ".join(functions)} if functions else "",
        _lines(_("Financements :"), _bullets(funders)) if funders else "",
    )


def _results(action: CollectiveAction) -> str:
    stability = group_stability(action)
    ladder = [
        f"{row['ladder_step__label'].lower()} : {row['n']}"
        for row in Enrolment.objects.filter(action=action, ladder_step__isnull=False)
        .values("ladder_step__label", "ladder_step__position")
        .annotate(n=Count("pk"))
        .order_by("ladder_step__position")
    ]
    highlights = LogEntry.objects.filter(action=action, highlight=True).exclude(
        kind__in=(LogKind.PITFALL, LogKind.RESOURCE, LogKind.PROPOSAL)
    )
    return _lines(
        _stability_text(stability),
        _("Parcours de participation : %(list)s.") % {"list": ", ".join(ladder)} if ladder else "",
        _lines(
            _("À retenir du journal de bord :"),
            _bullets(
                f"{_date(entry.date)} — {entry.text}" for entry in highlights.order_by("date")
            ),
        )
        if highlights.exists()
        else "",
    )


def _stability_text(stability: Stability) -> str:
    if not stability.sessions_held:
        return ""
    text = _(
        "Stabilité du groupe : %(average)s présents en moyenne sur %(held)s séances tenues ; "
        "%(regulars)s des %(members)s membres ont assisté à au moins la moitié des séances."
    ) % {
        "average": french_number(stability.average_attendance or 0, 1),
        "held": stability.sessions_held,
        "regulars": stability.regulars,
        "members": stability.members,
    }
    newcomers = sum(row.newcomers for row in stability.newcomers_by_session[1:])
    if newcomers:
        text += " " + ngettext(
            "%(n)s personne a rejoint le groupe après la première séance.",
            "%(n)s personnes ont rejoint le groupe après la première séance.",
            newcomers,
        ) % {"n": newcomers}
    return text


def _pitfalls(action: CollectiveAction) -> str:
    entries = LogEntry.objects.filter(
        action=action, kind__in=(LogKind.PITFALL, LogKind.RESOURCE)
    ).order_by("-highlight", "date", "pk")
    return _bullets(
        f"{entry.get_kind_display()} ({_date(entry.date)}) : {entry.text}" for entry in entries
    )


def _voices(action: CollectiveAction) -> str:
    entries = LogEntry.objects.filter(action=action, kind=LogKind.PROPOSAL).order_by(
        "-highlight", "date", "pk"
    )
    return _bullets(
        _lines(
            _("Proposition du groupe (%(date)s) : %(text)s")
            % {"date": _date(entry.date), "text": entry.text},
            "  " + _("Suite donnée : %(outcome)s") % {"outcome": entry.outcome}
            if entry.outcome
            else "  " + _("Suite donnée : pas encore décidée."),
        )
        for entry in entries
    )


def _organisations(action: CollectiveAction) -> list[tuple[Organisation, str]]:
    return [
        (action.organisation, OrganisationRole.CARRIER),
        *(
            (p.organisation, OrganisationRole.PARTNER)
            for p in action.partners.select_related("organisation")
        ),
        *(
            (f.organisation, OrganisationRole.FUNDER)
            for f in action.funders.select_related("organisation")
        ),
    ]
