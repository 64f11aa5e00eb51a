"""Write functions of the practice sheets: editing and the review workflow.

Each one checks the permission (`maillage.practices.access`), validates everything before the
first write, writes inside one transaction, leaves a `PracticeRevision` and an audit entry, and
tells the people concerned. Publishing and archiving update the search index in the same
transaction, so the index never shows what the database does not hold.

    draft ──submit──► submitted ──publish──► published ──archive──► archived
      ▲                  │                      │
      └──── returned ◄───┘ return (comment)     └─ edit: new working version (draft), the
                                                   published revision stays online
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.organisations import audit
from maillage.organisations.access import is_national_admin, organisation_ids, require
from maillage.organisations.models import Organisation, User
from maillage.organisations.notifications import notify
from maillage.practices import access, search
from maillage.practices.attachments import checked_upload
from maillage.practices.models import (
    OrganisationRole,
    Practice,
    PracticeAttachment,
    PracticeOrganisation,
    PracticeRevision,
    PracticeSource,
    RevisionEvent,
    Status,
)
from maillage.practices.snapshot import TEXT_FIELDS, practice_for_snapshot, snapshot
from maillage.referential.models import Term
from maillage.territories.models import Territory
from maillage.web.plain_text import clean_text, has_markup, markup_errors, markup_message

TERM_SCHEMES = {
    "isic_forms": "isic_form",
    "methods": "method",
    "publics": "public",
    "themes": "theme",
    "participation_level": "participation_level",
    "scale": "scale",
}
SCALAR_FIELDS = (
    *TEXT_FIELDS,
    "start_date",
    "end_date",
    "ongoing",
    "participants_count",
    "contact",
    "licence",
)
RELATED_FIELDS = ("isic_forms", "methods", "publics", "themes", "territories")
ALL_FIELDS = frozenset(
    {*SCALAR_FIELDS, *RELATED_FIELDS, "participation_level", "scale", "organisations", "sources"}
)

PLAIN_TEXT_FIELDS = (*TEXT_FIELDS, "contact")


def text_errors(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """What a sheet refuses in the plain texts among `fields` (`PLAIN_TEXT_FIELDS`, each as
    stored: `clean_text`): markup, a required text left empty, a text longer than its column.
    The limits are the model's. Also checks the import's candidate sheets as they are edited, so
    that what the sheet would refuse is refused there in the same words."""
    errors: dict[str, list[str]] = markup_errors(fields, PLAIN_TEXT_FIELDS)
    for name in PLAIN_TEXT_FIELDS:
        if name not in fields:
            continue
        field = Practice._meta.get_field(name)
        text = clean_text(fields[name])
        label = str(field.verbose_name).capitalize()
        if not text and not field.blank:
            errors.setdefault(name, []).append(
                _("%(field)s : ce texte est obligatoire dans une fiche.") % {"field": label}
            )
        elif field.max_length is not None and len(text) > field.max_length:
            errors.setdefault(name, []).append(
                _("%(field)s : %(max)s caractères au plus dans une fiche (il y en a %(length)s).")
                % {"field": label, "max": field.max_length, "length": len(text)}
            )
    return errors


def _term_errors(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, scheme in TERM_SCHEMES.items():
        if name not in fields:
            continue
        value = fields[name]
        terms = list(value or ()) if name in RELATED_FIELDS else [value] if value else []
        wrong = [
            str(term)
            for term in terms
            if not isinstance(term, Term) or term.scheme.code != scheme or not term.is_active
        ]
        if wrong:
            errors[name] = [
                _("Valeur hors du référentiel « %(scheme)s » : %(values)s.")
                % {"scheme": scheme, "values": ", ".join(wrong)}
            ]
    if "isic_forms" in fields and not list(fields["isic_forms"] or ()):
        errors.setdefault("isic_forms", []).append(
            _("Choisissez au moins une forme d'intervention collective.")
        )
    return errors


def _organisation_links(
    pairs: Iterable[tuple[Organisation, str]],
) -> tuple[list[PracticeOrganisation], list[str]]:
    links: dict[tuple[int, str], PracticeOrganisation] = {}
    errors: list[str] = []
    for organisation, role in pairs:
        if role not in OrganisationRole.values:
            errors.append(_("Rôle d'organisation inconnu : %(role)s.") % {"role": role})
        elif not isinstance(organisation, Organisation) or organisation.pk is None:
            errors.append(_("Organisation inconnue : %(name)s.") % {"name": organisation})
        else:
            links[(organisation.pk, role)] = PracticeOrganisation(
                organisation=organisation, role=role
            )
    return list(links.values()), errors


def _sources(rows: Iterable[Mapping[str, Any]]) -> tuple[list[PracticeSource], list[str]]:
    sources: list[PracticeSource] = []
    errors: list[str] = []
    for position, row in enumerate(rows, start=1):
        source = PracticeSource(
            **{key: clean_text(row.get(key)) for key in ("title", "url", "locator", "note")}
        )
        messages = []
        if has_markup(" ".join((source.title, source.locator, source.note))):
            messages.append(_("le texte ne peut pas contenir de balises HTML."))
        try:
            source.full_clean(exclude=["practice"])
        except ValidationError as error:
            messages.extend(error.messages)
        errors.extend(
            _("Source %(n)s : %(message)s") % {"n": position, "message": message}
            for message in messages
        )
        sources.append(source)
    return sources, errors


def _prepare(practice: Practice, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate `fields` against `practice` (whose plain fields get set) and return what must be
    written after the save: relations, organisation links and sources. Raises ValidationError
    with every problem, by field, before anything is written."""
    unknown = set(fields) - ALL_FIELDS
    if unknown:
        raise TypeError(f"unknown practice fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {**text_errors(fields), **_term_errors(fields)}
    for name in SCALAR_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(practice, name, clean_text(value) if name in PLAIN_TEXT_FIELDS else value)
    for name in ("participation_level", "scale"):
        if name in fields and name not in errors:
            setattr(practice, name, fields[name])
    if practice.start_date and practice.end_date and practice.end_date < practice.start_date:
        errors.setdefault("end_date", []).append(
            _("La date de fin ne peut pas précéder la date de début.")
        )
    later: dict[str, Any] = {
        name: list(fields[name] or ()) for name in RELATED_FIELDS if name in fields
    }
    if any(not isinstance(t, Territory) or t.pk is None for t in later.get("territories", ())):
        errors.setdefault("territories", []).append(_("Territoire inconnu."))
    if "organisations" in fields:
        later["organisations"], problems = _organisation_links(fields["organisations"] or ())
        if problems:
            errors.setdefault("organisations", []).extend(problems)
    if "sources" in fields:
        later["sources"], problems = _sources(fields["sources"] or ())
        if problems:
            errors.setdefault("sources", []).extend(problems)
    try:
        # The texts given were checked by `text_errors`, in its words.
        practice.full_clean(
            exclude=[
                "author",
                "published_revision",
                *(n for n in PLAIN_TEXT_FIELDS if n in fields),
            ],
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return later


def _write_related(practice: Practice, later: dict[str, Any]) -> None:
    for name in RELATED_FIELDS:
        if name in later:
            getattr(practice, name).set(later[name])
    if "organisations" in later:
        practice.organisation_links.all().delete()
        for link in later["organisations"]:
            link.practice = practice
        PracticeOrganisation.objects.bulk_create(later["organisations"])
    if "sources" in later:
        practice.sources.all().delete()
        for source in later["sources"]:
            source.practice = practice
        PracticeSource.objects.bulk_create(later["sources"])


def _revise(
    practice: Practice, actor: User, event: str, comment: str = ""
) -> tuple[PracticeRevision, dict[str, Any] | None]:
    """Record the sheet as it now stands; return the revision and the previous content."""
    previous = practice.revisions.order_by("-number").values_list("content", flat=True).first()
    number = (practice.revisions.aggregate(last=Max("number"))["last"] or 0) + 1
    revision = PracticeRevision.objects.create(
        practice=practice,
        number=number,
        event=event,
        content=snapshot(practice_for_snapshot(practice.pk)),
        comment=comment,
        created_by=actor,
    )
    return revision, previous


def _locked(practice: Practice) -> Practice:
    """The sheet as stored, locked until the transaction ends: the checks below see the status
    that the write will change, not the one a stale page or a concurrent reviewer saw."""
    return Practice.objects.select_for_update().get(pk=practice.pk)


def _refresh(target: Practice, source: Practice) -> Practice:
    """Give the caller's instance the stored values, so it can go on using it."""
    for field in Practice._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    return target


def _editor_url(practice: Practice) -> str:
    return reverse("practices:update", args=[practice.pk])


@transaction.atomic
def create_practice(
    *, actor: User, organisation: Organisation | None = None, **fields: Any
) -> Practice:
    require(
        access.can_create(actor),
        _("Seuls les membres d'une organisation rédigent des fiches de pratique."),
    )
    if organisation is not None:
        require(
            is_national_admin(actor) or organisation.pk in organisation_ids(actor),
            _("Vous ne pouvez rattacher la fiche qu'à une organisation dont vous êtes membre."),
        )
    fields.setdefault("isic_forms", ())
    practice = Practice(author=actor, organisation=organisation, status=Status.DRAFT)
    later = _prepare(practice, fields)
    practice.save()
    _write_related(practice, later)
    revision, _previous = _revise(practice, actor, RevisionEvent.CREATED)
    audit.record(actor, "create_practice", practice, after=revision.content)
    return practice


@transaction.atomic
def update_practice(*, actor: User, practice: Practice, **fields: Any) -> Practice:
    """Change the working copy. On a published sheet this starts a new version (status draft):
    the published revision stays online until the new one is published."""
    stored = _locked(practice)
    require(
        access.is_editor(actor, stored),
        _("Seuls l'auteur et les membres de son organisation modifient cette fiche."),
    )
    require(
        stored.status in access.EDITABLE_STATUSES,
        _("Cette fiche est en relecture ou archivée : elle ne peut pas être modifiée."),
    )
    later = _prepare(stored, fields)
    stored.status = Status.DRAFT if stored.status == Status.PUBLISHED else stored.status
    stored.save()
    _write_related(stored, later)
    revision, previous = _revise(stored, actor, RevisionEvent.EDITED)
    audit.record(actor, "update_practice", stored, before=previous, after=revision.content)
    return _refresh(practice, stored)


def _step(
    actor: User,
    practice: Practice,
    *,
    allowed_from: set[str],
    status: str,
    event: str,
    comment: str = "",
) -> PracticeRevision:
    """Move a locked sheet to `status`, with a revision and an audit entry."""
    if practice.status not in allowed_from:
        raise ValidationError(
            _("Impossible depuis le statut « %(status)s ».")
            % {"status": practice.get_status_display()}
        )
    before = practice.status
    practice.status = status
    practice.save(update_fields=["status", "updated_at"])
    revision, _previous = _revise(practice, actor, event, comment)
    audit.record(
        actor,
        f"{event}_practice",
        practice,
        before={"status": before},
        after={"status": status, "revision": revision.number, "comment": comment},
    )
    return revision


def _require_reviewer(actor: User, practice: Practice) -> None:
    require(
        access.can_review(actor, practice),
        _(
            "Seuls les documentalistes et les coordinateurs du territoire de la fiche la "
            "relisent, la publient ou l'archivent."
        ),
    )


@transaction.atomic
def submit_practice(*, actor: User, practice: Practice) -> Practice:
    stored = _locked(practice)
    require(
        access.is_editor(actor, stored),
        _("Seuls l'auteur et les membres de son organisation soumettent cette fiche."),
    )
    _step(
        actor,
        stored,
        allowed_from={Status.DRAFT, Status.RETURNED},
        status=Status.SUBMITTED,
        event=RevisionEvent.SUBMITTED,
    )
    notify(
        [user for user in access.reviewers_of(stored) if user.pk != actor.pk],
        _("Fiche à relire : « %(title)s ».") % {"title": stored.title},
        reverse("practices:review"),
    )
    return _refresh(practice, stored)


@transaction.atomic
def return_practice(*, actor: User, practice: Practice, comment: str) -> Practice:
    stored = _locked(practice)
    _require_reviewer(actor, stored)
    comment = clean_text(comment)
    if not comment:
        raise ValidationError(
            {"comment": [_("Expliquez à l'auteur ce qu'il faut reprendre avant de renvoyer.")]}
        )
    _step(
        actor,
        stored,
        allowed_from={Status.SUBMITTED},
        status=Status.RETURNED,
        event=RevisionEvent.RETURNED,
        comment=comment,
    )
    notify(
        [stored.author] if stored.author_id != actor.pk else [],
        _("Votre fiche « %(title)s » vous est renvoyée : %(comment)s")
        % {"title": stored.title, "comment": comment},
        _editor_url(stored),
    )
    return _refresh(practice, stored)


@transaction.atomic
def publish_practice(*, actor: User, practice: Practice, comment: str = "") -> Practice:
    stored = _locked(practice)
    _require_reviewer(actor, stored)
    revision = _step(
        actor,
        stored,
        allowed_from={Status.SUBMITTED},
        status=Status.PUBLISHED,
        event=RevisionEvent.PUBLISHED,
        comment=clean_text(comment),
    )
    stored.published_revision = revision
    stored.published_at = stored.published_at or timezone.now()
    stored.save(update_fields=["published_revision", "published_at"])
    search.index_practice(stored)
    notify(
        [stored.author] if stored.author_id != actor.pk else [],
        _("Votre fiche « %(title)s » est publiée.") % {"title": stored.title},
        stored.get_absolute_url(),
    )
    return _refresh(practice, stored)


@transaction.atomic
def archive_practice(*, actor: User, practice: Practice, comment: str = "") -> Practice:
    """Take a published sheet offline; it stays readable by its editors and reviewers."""
    stored = _locked(practice)
    _require_reviewer(actor, stored)
    if stored.published_revision_id is None:
        raise ValidationError(_("Seule une fiche publiée peut être archivée."))
    _step(
        actor,
        stored,
        allowed_from={Status.PUBLISHED, Status.DRAFT, Status.SUBMITTED, Status.RETURNED},
        status=Status.ARCHIVED,
        event=RevisionEvent.ARCHIVED,
        comment=clean_text(comment),
    )
    search.remove_practice(stored.pk)
    return _refresh(practice, stored)


@transaction.atomic
def add_attachment(
    *, actor: User, practice: Practice, uploaded_file: Any, title: str
) -> PracticeAttachment:
    stored = _locked(practice)
    require(
        access.can_edit(actor, stored),
        _("Seuls l'auteur et les membres de son organisation ajoutent des pièces jointes."),
    )
    title = clean_text(title) or clean_text(getattr(uploaded_file, "name", ""))
    if has_markup(title):
        raise ValidationError({"title": [markup_message()]})
    upload = checked_upload(uploaded_file)
    attachment = PracticeAttachment(
        practice=stored,
        title=title[:200],
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.full_clean(exclude=["file"])
    attachment.file.save(upload.name, uploaded_file, save=False)
    attachment.save()
    audit.record(
        actor,
        "add_practice_attachment",
        attachment,
        after={"practice": stored.pk, "title": attachment.title, "size": upload.size},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment: PracticeAttachment) -> None:
    practice = _locked(attachment.practice)
    require(
        access.can_edit(actor, practice),
        _("Seuls l'auteur et les membres de son organisation retirent des pièces jointes."),
    )
    audit.record(
        actor,
        "remove_practice_attachment",
        attachment,
        before={"practice": practice.pk, "title": attachment.title, "size": attachment.size},
    )
    stored_file = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored_file.delete(save=False))
