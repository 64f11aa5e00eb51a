"""Write functions for contributions: the inhabitants' ones through the public link (no account,
rate-limited per client, never storing its address), the signed-in ones of professionals and
partners, and their moderation.

Every contribution waits for moderation. Personal data found in its text or its place
(`personal_data`), both published, does not refuse it — the inhabitant did want to say
something — but flags it, so that the moderator removes it before publishing. The audit trail
never copies a contribution's text or place: a telephone number removed by the moderator must
not survive in it; and a public contribution is recorded without an actor, as it has no author.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.diagnostics import access, quota
from maillage.diagnostics.models import (
    Component,
    Contribution,
    ContributionKind,
    ContributionStatus,
    ContributorKind,
    Diagnosis,
    DiagnosisStatus,
    Theme,
)
from maillage.diagnostics.personal_data import (
    contribution_flags,
    flag_labels,
    place_flags,
    text_flags,
)
from maillage.organisations import audit
from maillage.organisations.access import require
from maillage.organisations.models import Membership, Role, User
from maillage.territories.models import Territory
from maillage.web.plain_text import clean_text, markup_errors

TEXT_MIN, TEXT_MAX = 10, 2000
NOTE_MAX = 300
PLACE_MAX = 200
AUDITED = (
    "diagnosis",
    "kind",
    "contributor_kind",
    "component",
    "theme",
    "commune",
    "status",
    "flags",
    "organisation",
    "moderation_note",
)


class Decision:
    PUBLISH = "publish"
    REJECT = "reject"


def closed_message() -> str:
    return _(
        "Les contributions sont fermées pour ce diagnostic : il n'est plus possible d'envoyer "
        "un message. Merci de votre intérêt."
    )


def signed_in_refusal() -> str:
    return _(
        "Seuls les membres des organisations associées au diagnostic y contribuent avec leur "
        "compte."
    )


def moderation_refusal() -> str:
    return _("Seuls ceux qui conduisent le diagnostic modèrent ses contributions.")


def is_open(diagnosis: Diagnosis) -> bool:
    """The public link accepts contributions: the status is « open » and the day of the end of
    contributions, if set, not past."""
    return diagnosis.status == DiagnosisStatus.OPEN and (
        diagnosis.end_date is None or diagnosis.end_date >= timezone.localdate()
    )


def _text_errors(text: str, name: str = "text") -> dict[str, list[str]]:
    if len(text) < TEXT_MIN:
        return {name: [_("Écrivez au moins %(count)d caractères.") % {"count": TEXT_MIN}]}
    if len(text) > TEXT_MAX:
        return {
            name: [
                _(
                    "Votre message est trop long : %(count)d caractères au plus (il en a %(length)d)."
                )
                % {"count": TEXT_MAX, "length": len(text)}
            ]
        }
    return markup_errors({name: text}, (name,))


def _place_errors(place: str) -> dict[str, list[str]]:
    if len(place) > PLACE_MAX:
        return {"place": [_("Le lieu tient en %(count)d caractères.") % {"count": PLACE_MAX}]}
    return markup_errors({"place": place}, ("place",))


def _checked(contribution: Contribution) -> Contribution:
    """Clean the texts and check every field of a new contribution, all errors at once."""
    contribution.text = clean_text(contribution.text)
    contribution.place = clean_text(contribution.place)
    errors = _text_errors(contribution.text)
    errors.update(_place_errors(contribution.place))
    choices = {
        "kind": (ContributionKind, _("Choisissez de quoi vous voulez parler.")),
        "contributor_kind": (
            ContributorKind,
            _("Dites si vous êtes habitant, professionnel ou partenaire."),
        ),
    }
    for name, (values, text) in choices.items():
        if getattr(contribution, name) not in values.values:
            errors[name] = [text]
    if contribution.theme and contribution.theme not in Theme.values:
        errors["theme"] = [_("Choisissez un thème de la liste, ou aucun.")]
    if contribution.component and contribution.component not in Component.values:
        errors["component"] = [_("Choisissez une composante de la liste, ou aucune.")]
    commune = contribution.commune
    if commune is not None and not (
        Territory.objects.communes_of(contribution.diagnosis.territory)
        .filter(pk=commune.pk)
        .exists()
    ):
        errors["commune"] = [
            _(
                "Cette commune n'est pas sur le territoire du diagnostic : choisissez-en une de la liste."
            )
        ]
    if errors:
        raise ValidationError(errors)
    contribution.flags = contribution_flags(contribution.text, contribution.place)
    contribution.status = ContributionStatus.PENDING
    return contribution


def _require_open(diagnosis: Diagnosis) -> None:
    if not is_open(diagnosis):
        raise ValidationError(closed_message())


def submit_public_contribution(
    *,
    token: str,
    client_address: str,
    kind: str,
    contributor_kind: str,
    text: str,
    theme: str = "",
    component: str = "",
    place: str = "",
    commune: Territory | None = None,
) -> Contribution:
    """An inhabitant's (or anyone's) contribution through the public link, without an account.

    Raises Http404 for an unknown link, ValidationError when contributions are closed or a field
    is wrong, `quota.QuotaExceeded` when this client sent too many; nothing is written then."""
    diagnosis = Diagnosis.objects.select_related("territory").filter(public_token=token).first()
    if not token or diagnosis is None:
        raise Http404(_("Ce lien de participation n'existe pas, ou il a été remplacé."))
    _require_open(diagnosis)
    contribution = _checked(
        Contribution(
            diagnosis=diagnosis,
            kind=kind,
            contributor_kind=contributor_kind,
            text=text,
            theme=theme or "",
            component=component or "",
            place=place or "",
            commune=commune,
        )
    )
    with transaction.atomic():
        quota.count_contribution(diagnosis, client_address)
        contribution.save()
        audit.record(
            None,
            "submit_public_contribution",
            contribution,
            after=audit.snapshot(contribution, AUDITED),
        )
    return contribution


def _contributor(actor: User, diagnosis: Diagnosis) -> tuple[Any, str]:
    """The organisation a signed-in contribution speaks for (the carrier's first, then a
    steering organisation, then any of the author's) and whether she writes as a partner."""
    memberships = list(Membership.objects.filter(user_id=actor.pk).order_by("pk"))
    steering = set(diagnosis.steering_members.values_list("organisation_id", flat=True))

    def preference(membership: Membership) -> tuple[int, int]:
        if membership.organisation_id == diagnosis.organisation_id:
            return 0, membership.pk
        return (1 if membership.organisation_id in steering else 2), membership.pk

    if not memberships:
        return None, ContributorKind.PROFESSIONAL
    chosen = min(memberships, key=preference)
    roles = {m.role for m in memberships if m.organisation_id == chosen.organisation_id}
    partner = roles == {Role.PARTNER}
    return chosen.organisation, ContributorKind.PARTNER if partner else ContributorKind.PROFESSIONAL


def submit_contribution(
    *,
    actor: User,
    diagnosis: Diagnosis,
    kind: str,
    text: str,
    theme: str = "",
    component: str = "",
    place: str = "",
    commune: Territory | None = None,
) -> Contribution:
    """A professional's or partner's contribution, with her account: author and organisation are
    recorded; it is moderated like any other."""
    require(access.can_contribute_signed_in(actor, diagnosis), signed_in_refusal())
    _require_open(diagnosis)
    organisation, contributor_kind = _contributor(actor, diagnosis)
    contribution = _checked(
        Contribution(
            diagnosis=diagnosis,
            kind=kind,
            contributor_kind=contributor_kind,
            text=text,
            theme=theme or "",
            component=component or "",
            place=place or "",
            commune=commune,
            author=actor,
            organisation=organisation,
        )
    )
    with transaction.atomic():
        contribution.save()
        audit.record(
            actor, "submit_contribution", contribution, after=audit.snapshot(contribution, AUDITED)
        )
    return contribution


def flagged_message(flags: list[str]) -> str:
    return _(
        "Le texte contient peut-être des données personnelles (%(what)s). Retirez-les avant de "
        "publier, ou confirmez que le texte peut être publié tel quel."
    ) % {"what": ", ".join(flag_labels(flags))}


def flagged_place_message(flags: list[str]) -> str:
    return _(
        "Le lieu contient peut-être des données personnelles (%(what)s). Retirez-les avant de "
        "publier (gardez le quartier ou la rue, sans numéro ni nom), ou confirmez que le lieu "
        "peut être publié tel quel."
    ) % {"what": ", ".join(flag_labels(flags))}


@transaction.atomic
def moderate_contribution(
    *,
    actor: User,
    contribution: Contribution,
    decision: str,
    text: str | None = None,
    note: str = "",
    confirmed: bool = False,
    place: str | None = None,
) -> Contribution:
    """Publish or reject a contribution. `text` and `place` replace the text and the place (the
    moderator removes personal data, a name…; None keeps them); publishing a text or a place in
    which personal data is still suspected needs `confirmed`. Rejecting needs a reason (`note`),
    kept for the steering group."""
    contribution = (
        Contribution.objects.select_for_update().select_related("diagnosis").get(pk=contribution.pk)
    )
    require(access.can_moderate(actor, contribution.diagnosis), moderation_refusal())
    errors: dict[str, list[str]] = {}
    new_text = contribution.text if text is None else clean_text(text)
    new_place = contribution.place if place is None else clean_text(place)
    note = clean_text(note)
    if decision not in (Decision.PUBLISH, Decision.REJECT):
        errors["decision"] = [_("Choisissez de publier ou d'écarter la contribution.")]
    if text is not None:
        errors.update(_text_errors(new_text))
    if place is not None:
        errors.update(_place_errors(new_place))
    errors.update(markup_errors({"note": note}, ("note",)))
    if len(note) > NOTE_MAX:
        errors["note"] = [_("Le motif tient en %(count)d caractères.") % {"count": NOTE_MAX}]
    if decision == Decision.REJECT and not note:
        errors["note"] = [_("Indiquez en quelques mots pourquoi la contribution est écartée.")]
    flags = contribution_flags(new_text, new_place)
    if decision == Decision.PUBLISH and not confirmed:
        if text_flags(flags) and "text" not in errors:
            errors["text"] = [flagged_message(text_flags(flags))]
        if place_flags(flags) and "place" not in errors:
            errors["place"] = [flagged_place_message(place_flags(flags))]
    if errors:
        raise ValidationError(errors)
    before = {**audit.snapshot(contribution, AUDITED)}
    changed = {
        "text_changed": new_text != contribution.text,
        "place_changed": new_place != contribution.place,
    }
    contribution.text = new_text
    contribution.place = new_place
    contribution.flags = flags
    contribution.status = (
        ContributionStatus.PUBLISHED
        if decision == Decision.PUBLISH
        else ContributionStatus.REJECTED
    )
    contribution.moderation_note = note
    contribution.moderated_by = actor
    contribution.moderated_at = timezone.now()
    contribution.save()
    audit.record(
        actor,
        f"{decision}_contribution",
        contribution,
        before=before,
        after={**audit.snapshot(contribution, AUDITED), **changed},
    )
    return contribution
