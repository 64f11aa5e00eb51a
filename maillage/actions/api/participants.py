# No `from __future__ import annotations`: ninja reads these signatures at runtime.
"""The people of an action in JSON, twin of the participants pages: the same rules (only the
action's professionals see and change them; coordinators and partners are refused with the
reason, strangers get 404), the same figures, the same write functions. Error details never
carry a name: names reach only the fields of an answer the professional asked for."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, PatchDict, Query, Router, Schema, Status
from ninja.security import django_auth

from maillage.actions import access
from maillage.actions.api.schemas_actions import OrganisationNameOut
from maillage.actions.enrolments import action_enrolments, participant_enrolments
from maillage.actions.lookups import readable_action
from maillage.actions.models import (
    AgeBand,
    CollectiveAction,
    EligibilityTag,
    Enrolment,
    Participant,
    Referral,
)
from maillage.actions.operations import participants as operations
from maillage.api_errors import ErrorOut
from maillage.organisations.models import Organisation, User
from maillage.organisations.tokens import TokenAuth
from maillage.practices.api_schemas import TermLabelOut, TerritoryCode
from maillage.referential.models import Term
from maillage.territories.models import Territory
from maillage.territories.schemas import TerritoryRef

router = Router()
AUTH = [TokenAuth(), django_auth]
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 422: ErrorOut}
AGE_BANDS_DOC = ", ".join(f"`{value}` ({label})" for value, label in AgeBand.choices if value)
REFERRALS_DOC = ", ".join(f"`{value}` ({label})" for value, label in Referral.choices)
PERSON_FIELDS = ("pseudonym", "age_band", "commune", "contact", "contact_consent")
# With `participant_id`, the identity typed is sent back: the person must be among its matches.
IDENTITY_FIELDS = ("pseudonym", "age_band", "commune")
ENROL_EXISTING_IGNORED = {"contact", "contact_consent", "eligibility_tags", "allow_duplicate"}


# --- Schemas -------------------------------------------------------------------------------


class TagOut(Schema):
    id: int
    label: str
    funder: str = Field(description="L'organisation financeuse dont c'est le critère")


class EnrolmentFieldsOut(Schema):
    referral: str = Field(description=f"Arrivée dans l'action : {REFERRALS_DOC} ou vide")
    referral_label: str
    referred_by: OrganisationNameOut | None = Field(description="Organisation qui a orienté")
    ladder_step: TermLabelOut | None = Field(description="Parcours de participation")
    joined_on: datetime.date
    left_on: datetime.date | None
    sessions_attended: int = Field(description="Séances de l'action où elle a été notée présente")


class ParticipantRowOut(EnrolmentFieldsOut):
    id: int = Field(description="Identifiant de la personne")
    pseudonym: str
    age_band: str = Field(description=f"Tranche d'âge : {AGE_BANDS_DOC} ou vide")
    age_band_label: str
    commune: TerritoryRef | None
    eligibility_tags: list[TagOut]


class ParticipantListOut(Schema):
    count: int
    page: int
    per_page: int
    results: list[ParticipantRowOut]


class ActionRefOut(Schema):
    id: int
    title: str


class ParticipantEnrolmentOut(EnrolmentFieldsOut):
    action: ActionRefOut


class ParticipantOut(Schema):
    id: int
    pseudonym: str
    age_band: str = Field(description=f"Tranche d'âge : {AGE_BANDS_DOC} ou vide")
    age_band_label: str
    commune: TerritoryRef | None
    contact: str
    contact_consent_at: datetime.datetime | None = Field(
        description="Date de l'accord de la personne pour être contactée"
    )
    eligibility_tags: list[TagOut]
    erased_at: datetime.datetime | None = Field(description="Données effacées à sa demande le")
    enrolments: list[ParticipantEnrolmentOut] = Field(
        description="Ses inscriptions aux actions que vous animez"
    )


class CandidateOut(Schema):
    id: int
    pseudonym: str
    age_band: str
    age_band_label: str
    commune: TerritoryRef | None


class DuplicateOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class ListParams(Schema):
    page: int = Field(1, ge=1)
    per_page: int = Field(50, ge=1, le=200, description="Personnes par page, 200 au plus")


class EnrolmentIn(Schema):
    referral: str = Field("", description=f"Arrivée dans l'action : {REFERRALS_DOC}")
    referred_by: int | None = Field(None, description="Identifiant de l'organisation qui oriente")
    ladder_step: str | None = Field(
        None, description="Code de l'étape (référentiel « participation_ladder »)"
    )
    joined_on: datetime.date | None = Field(None, description="Arrivée ; par défaut aujourd'hui")


class ParticipantCreateIn(EnrolmentIn):
    participant_id: int | None = Field(
        None,
        ge=1,
        description="Inscrire une personne déjà connue, candidate d'une réponse 409 : renvoyez "
        "aussi l'identité saisie (`pseudonym`, `age_band`, `commune`), dont elle doit être une "
        "correspondance ; seuls ces champs et ceux de l'inscription sont alors lus",
    )
    pseudonym: str = Field("", description="Prénom ou pseudonyme, jamais le nom complet")
    age_band: str = Field("", description=f"Tranche d'âge : {AGE_BANDS_DOC}")
    commune: TerritoryCode | None = Field(None, description="Commune ou arrondissement")
    contact: str = Field("", description="Téléphone ou courriel, seulement avec son accord")
    contact_consent: bool = Field(False, description="La personne accepte d'être contactée")
    eligibility_tags: list[int] = Field(
        default_factory=list, description="Identifiants de critères des financeurs (facultatifs)"
    )
    allow_duplicate: bool = Field(
        False, description="Créer la fiche malgré des personnes correspondantes (réponse 409)"
    )


class PersonIn(Schema):
    pseudonym: str
    age_band: str = Field(description=f"Tranche d'âge : {AGE_BANDS_DOC} ou vide")
    commune: TerritoryCode | None = None
    contact: str = Field(description="Vide pour le retirer")
    contact_consent: bool = Field(
        description="Vrai : accord recueilli maintenant ; faux : accord retiré (le contact doit "
        "alors être vidé)"
    )
    eligibility_tags: list[int] = Field(description="La liste complète, qui remplace l'ancienne")


class EnrolmentPatchIn(Schema):
    referral: str = Field(description=f"{REFERRALS_DOC} ou vide")
    referred_by: int | None = None
    ladder_step: str | None = Field(None, description="Code de l'étape, ou null")
    joined_on: datetime.date
    left_on: datetime.date | None = Field(None, description="Départ du groupe, ou null")


class MergeIn(Schema):
    duplicate_id: int = Field(description="La fiche en double, fondue dans celle-ci puis supprimée")


# --- Reading -------------------------------------------------------------------------------


def _action(request: HttpRequest, action_id: int) -> CollectiveAction:
    """The action if the user runs it; 403 with the reason if she only reads it; 404 else."""
    user = request.auth  # type: ignore[attr-defined]
    action = readable_action(user, action_id)
    if not access.can_see_participants(user, action):
        raise PermissionDenied(access.participants_refusal())
    return action


def _participant(request: HttpRequest, participant_id: int) -> Participant:
    """The person if the user may manage her; 403 if the user reads one of her actions (a
    coordinator, a partner), 404 for anyone else, so that identifiers reveal nothing."""
    user = request.auth  # type: ignore[attr-defined]
    participant = (
        access.visible_participants(user)
        .select_related("commune")
        .prefetch_related("eligibility_tags__organisation")
        .filter(pk=participant_id)
        .first()
    )
    if participant is not None:
        return participant
    if access.visible_actions(user).filter(enrolments__participant_id=participant_id).exists():
        raise PermissionDenied(access.participants_refusal())
    raise Http404(_("Aucune personne de vos actions ne porte ce numéro."))


def _place(commune: Territory | None) -> dict[str, str] | None:
    if commune is None:
        return None
    return {"level": commune.level, "code": commune.code, "name": commune.name}


def _person(participant: Participant) -> dict[str, Any]:
    return {
        "id": participant.pk,
        "pseudonym": participant.pseudonym,
        "age_band": participant.age_band,
        "age_band_label": participant.get_age_band_display(),
        "commune": _place(participant.commune),
    }


def _tags(participant: Participant) -> list[dict[str, Any]]:
    return [
        {"id": tag.pk, "label": tag.label, "funder": tag.organisation.name}
        for tag in participant.eligibility_tags.all()
    ]


def _enrolment_fields(enrolment: Enrolment) -> dict[str, Any]:
    step, referrer = enrolment.ladder_step, enrolment.referred_by
    return {
        "referral": enrolment.referral,
        "referral_label": enrolment.get_referral_display() if enrolment.referral else "",
        "referred_by": {"id": referrer.pk, "name": referrer.name} if referrer else None,
        "ladder_step": {"code": step.code, "label": step.label} if step else None,
        "joined_on": enrolment.joined_on,
        "left_on": enrolment.left_on,
        "sessions_attended": enrolment.sessions_attended,  # type: ignore[attr-defined]
    }


def _row(enrolment: Enrolment) -> dict[str, Any]:
    person = enrolment.participant
    return {
        **_person(person),
        **_enrolment_fields(enrolment),
        "eligibility_tags": _tags(person),
    }


def _action_row(action: CollectiveAction, participant_id: int) -> dict[str, Any]:
    return _row(action_enrolments(action).get(participant_id=participant_id))


def _detail(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    participant = _participant(request, participant_id)
    enrolments = participant_enrolments(participant, request.auth)  # type: ignore[attr-defined]
    return {
        **_person(participant),
        "contact": participant.contact,
        "contact_consent_at": participant.contact_consent_at,
        "eligibility_tags": _tags(participant),
        "erased_at": participant.erased_at,
        "enrolments": [
            {
                **_enrolment_fields(enrolment),
                "action": {"id": enrolment.action_id, "title": enrolment.action.title},
            }
            for enrolment in enrolments
        ],
    }


@router.get(
    "/{int:action_id}/participants",
    response={200: ParticipantListOut, **READ_ERRORS, 422: ErrorOut},
    auth=AUTH,
    summary="Les participants d'une action",
    description="Les personnes inscrites, celles encore dans le groupe d'abord : tranche d'âge, "
    "commune, arrivée dans l'action, parcours de participation, dates, critères des financeurs "
    "et séances suivies (les mêmes chiffres que la page). Réservé aux professionnels qui animent "
    "l'action : un coordinateur ou un partenaire reçoit 403 (les effectifs sont dans le bilan).",
)
def list_participants(
    request: HttpRequest, action_id: int, params: Query[ListParams]
) -> dict[str, Any]:
    action = _action(request, action_id)
    start = (params.page - 1) * params.per_page
    return {
        "count": Enrolment.objects.filter(action=action).count(),
        "page": params.page,
        "per_page": params.per_page,
        "results": [
            _row(enrolment)
            for enrolment in action_enrolments(action)[start : start + params.per_page]
        ],
    }


@router.get(
    "/participants/{int:participant_id}",
    response={200: ParticipantOut, **READ_ERRORS},
    auth=AUTH,
    summary="Une personne",
    description="Sa fiche (contact et date de l'accord compris) et ses inscriptions aux actions "
    "que vous animez. Pour les professionnels de ses actions et qui l'a saisie.",
)
def get_participant(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    return _detail(request, participant_id)


# --- Writing -------------------------------------------------------------------------------


def _references(data: dict[str, Any]) -> dict[str, Any]:
    """Codes and identifiers of the payload turned into objects; every unknown one refused."""
    fields = dict(data)
    errors: dict[str, list[str]] = {}
    if fields.get("commune") is not None:
        place = fields["commune"]
        found, _unknown = Territory.objects.from_codes([(str(place["level"]), place["code"])])
        fields["commune"] = found[0] if found else None
        if not found:
            errors["commune"] = [_("Territoire inconnu : %(level)s %(code)s.") % place]
    if fields.get("ladder_step") is not None:
        fields["ladder_step"] = (
            Term.objects.in_scheme(operations.LADDER_SCHEME)
            .filter(code=fields["ladder_step"])
            .first()
        )
        if fields["ladder_step"] is None:
            errors["ladder_step"] = [_("Étape inconnue du parcours de participation.")]
    if fields.get("referred_by") is not None:
        fields["referred_by"] = Organisation.objects.filter(pk=fields["referred_by"]).first()
        if fields["referred_by"] is None:
            errors["referred_by"] = [_("Organisation inconnue.")]
    if "eligibility_tags" in fields:
        ids = set(fields["eligibility_tags"])
        fields["eligibility_tags"] = list(EligibilityTag.objects.filter(pk__in=ids))
        missing = ids - {tag.pk for tag in fields["eligibility_tags"]}
        if missing:
            errors["eligibility_tags"] = [
                _("Critères inconnus : %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}
            ]
    if errors:
        raise ValidationError(errors)
    return fields


def _enrol_existing(
    actor: User, action: CollectiveAction, payload: ParticipantCreateIn
) -> Participant:
    errors = {
        name: [_("Avec « participant_id », seules l'identité saisie et l'inscription sont lues.")]
        for name in sorted(payload.model_fields_set & ENROL_EXISTING_IGNORED)
    }
    if not payload.pseudonym.strip():
        errors["pseudonym"] = [
            _("Avec « participant_id », renvoyez le prénom ou pseudonyme saisi.")
        ]
    if errors:
        raise ValidationError(errors)
    fields = _references(payload.dict(include={*IDENTITY_FIELDS, *EnrolmentIn.model_fields}))
    identity = {name: fields.pop(name) for name in IDENTITY_FIELDS}
    participant = operations.shown_match(
        actor=actor, action=action, participant_id=payload.participant_id, **identity
    )
    operations.enrol_participant(
        actor=actor, action=action, participant=participant, **identity, **fields
    )
    return participant


def _duplicates(actor: User, action: CollectiveAction, fields: dict[str, Any]) -> dict[str, Any]:
    matches = operations.action_matches(
        actor, action, " ".join(fields["pseudonym"].split()), fields["age_band"], fields["commune"]
    )
    return {
        "detail": _(
            "Une personne correspondante est peut-être déjà connue de vos organisations. "
            "Inscrivez-la en renvoyant « participant_id » avec la même identité, ou confirmez "
            "qu'il s'agit d'une autre personne avec « allow_duplicate »."
        ),
        "candidates": [_person(match) for match in matches],
    }


@router.post(
    "/{int:action_id}/participants",
    response={201: ParticipantRowOut, 409: DuplicateOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Ajouter une personne à une action",
    description="Crée la fiche et l'inscrit. Si des personnes de vos organisations "
    "correspondent (prénom sans accents ni majuscules, tranche d'âge et commune quand les deux "
    "en ont), rien n'est créé : la réponse est 409 avec les candidats (identifiant, pseudonyme, "
    "tranche d'âge, commune). Renvoyez alors `participant_id` avec la même identité pour "
    "inscrire la personne existante, ou `allow_duplicate: true` s'il s'agit d'une autre. Un contact sans accord "
    "répond 422. Les critères des financeurs sont facultatifs et jamais une condition.",
)
def create_participant(
    request: HttpRequest, action_id: int, payload: ParticipantCreateIn
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    action = _action(request, action_id)
    if payload.participant_id is not None:
        participant = _enrol_existing(actor, action, payload)
        return Status(201, _action_row(action, participant.pk))
    fields = _references(payload.dict(exclude={"participant_id"}))
    try:
        participant = operations.create_participant(actor=actor, action=action, **fields)
    except ValidationError as error:
        if operations.is_duplicate_refusal(error):
            return Status(409, _duplicates(actor, action, fields))
        raise
    return Status(201, _action_row(action, participant.pk))


@router.patch(
    "/participants/{int:participant_id}",
    response={200: ParticipantOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier une personne",
    description="Ne change que les champs envoyés. Un contact ne s'enregistre qu'avec son "
    "accord (`contact_consent: true`) : sans lui, 422. Retirer l'accord impose de vider le "
    "contact. Chaque modification est inscrite au journal des modifications.",
)
def update_participant(
    request: HttpRequest, participant_id: int, payload: PatchDict[PersonIn]
) -> dict[str, Any]:
    participant = _participant(request, participant_id)
    operations.update_participant(
        actor=request.auth,  # type: ignore[attr-defined]
        participant=participant,
        **_references(dict(payload)),
    )
    return _detail(request, participant_id)


@router.patch(
    "/{int:action_id}/participants/{int:participant_id}/enrolment",
    response={200: ParticipantRowOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Modifier une inscription",
    description="Comment la personne est arrivée (`referral`, `referred_by`), son étape du "
    "parcours de participation (`ladder_step`), son arrivée et son départ du groupe "
    "(`left_on`). Ne change que les champs envoyés.",
)
def update_enrolment(
    request: HttpRequest,
    action_id: int,
    participant_id: int,
    payload: PatchDict[EnrolmentPatchIn],
) -> dict[str, Any]:
    action = _action(request, action_id)
    enrolment = (
        Enrolment.objects.select_related("action").filter(
            action=action, participant_id=participant_id
        )
    ).first()
    if enrolment is None:
        raise Http404(_("Cette personne n'est pas inscrite à cette action."))
    operations.update_enrolment(
        actor=request.auth,  # type: ignore[attr-defined]
        enrolment=enrolment,
        **_references(dict(payload)),
    )
    return _action_row(action, participant_id)


@router.post(
    "/participants/{int:participant_id}/merge",
    response={200: ParticipantOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Fusionner une fiche en double",
    description="La fiche `duplicate_id` est fondue dans celle-ci (inscriptions, présences, "
    "critères, organisations) puis supprimée. Refusée (422, rien n'est changé) si une "
    "information serait perdue : les conflits sont listés dans `errors.conflicts`.",
)
def merge_participants(
    request: HttpRequest, participant_id: int, payload: MergeIn
) -> Status[dict[str, Any]]:
    actor: User = request.auth  # type: ignore[attr-defined]
    keep = _participant(request, participant_id)
    duplicate = access.visible_participants(actor).filter(pk=payload.duplicate_id).first()
    if duplicate is None:
        raise ValidationError(
            {"duplicate_id": [_("Aucune personne de vos actions ne porte ce numéro.")]}
        )
    try:
        operations.merge_participants(actor=actor, keep=keep, duplicate=duplicate)
    except ValidationError as error:
        # A refusal is its reason, then the conflicts, which may quote both pseudonyms: those
        # stay out of `detail`.
        reason, *conflicts = error.messages
        return Status(422, {"detail": reason, "errors": {"conflicts": conflicts}})
    return Status(200, _detail(request, participant_id))


@router.get(
    "/participants/{int:participant_id}/export",
    response={200: dict[str, Any], **READ_ERRORS},
    auth=AUTH,
    summary="Exporter les données d'une personne",
    description="Tout ce que Maillage garde sur elle, pour son droit d'accès : fiche, critères, "
    "inscriptions, présences et journal des modifications. L'export est lui-même journalisé.",
)
def export_participant(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    return operations.export_participant(
        actor=request.auth,  # type: ignore[attr-defined]
        participant=_participant(request, participant_id),
    )


@router.post(
    "/participants/{int:participant_id}/erase",
    response={200: ParticipantOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Effacer les données d'une personne",
    description="À sa demande : la fiche devient « Personne effacée n° … », son contact et ses "
    "critères sont supprimés, son prénom est retiré du journal des modifications, du journal de "
    "bord et des notes de séance. Ses présences restent, anonymes, pour que les bilans ne "
    "changent pas. Une fiche déjà effacée répond 422.",
)
def erase_participant(request: HttpRequest, participant_id: int) -> dict[str, Any]:
    operations.erase_participant(
        actor=request.auth,  # type: ignore[attr-defined]
        participant=_participant(request, participant_id),
    )
    return _detail(request, participant_id)
