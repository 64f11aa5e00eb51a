"""Practice sheets.

A `Practice` holds the working copy that its authors edit, and `status` says where that copy is
in the review workflow. Each save and each workflow step leaves a `PracticeRevision`: a frozen
snapshot of the whole sheet (labels included, so it stays readable if vocabularies change) with
who, when and what happened. The public page and the search index show the revision pointed at
by `published_revision`, so a published sheet stays online, unchanged, while its next version is
written and reviewed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise à relecture")
    RETURNED = "returned", _("Renvoyée à l'auteur")
    PUBLISHED = "published", _("Publiée")
    ARCHIVED = "archived", _("Archivée")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = (
        "CC-BY-SA-4.0",
        _("Creative Commons Attribution – Partage dans les mêmes conditions 4.0"),
    )
    ETALAB = "etalab-2.0", _("Licence Ouverte / Etalab 2.0")


class OrganisationRole(models.TextChoices):
    CARRIER = "carrier", _("Porteur")
    PARTNER = "partner", _("Partenaire")
    FUNDER = "funder", _("Financeur")


class Practice(models.Model):
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="practices", verbose_name=_("auteur")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation de l'auteur"),
        help_text=_("Ses membres peuvent aussi modifier la fiche."),
    )

    # The fields of a « fiche action » (report annexes: objectifs, porteurs et partenaires,
    # description, faisabilité, moyens et impacts organisationnels, commentaires) and what the
    # report adds: pitfalls met, resources found, voices of inhabitants and institutions.
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=1200)
    objectives = models.TextField(_("objectifs"), blank=True)
    carriers_and_partners = models.TextField(_("porteurs et partenaires"), blank=True)
    description = models.TextField(_("description de la démarche"), blank=True)
    feasibility = models.TextField(_("faisabilité et conditions de reproductibilité"), blank=True)
    means = models.TextField(
        _("moyens et impacts organisationnels"),
        blank=True,
        help_text=_("Temps, personnel, budget."),
    )
    results = models.TextField(_("résultats et enseignements"), blank=True)
    pitfalls = models.TextField(_("écueils rencontrés et ressources trouvées"), blank=True)
    voices = models.TextField(_("paroles d'habitants et d'institutions"), blank=True)
    evaluation = models.TextField(_("évaluation"), blank=True)
    comments = models.TextField(_("commentaires"), blank=True)

    isic_forms = models.ManyToManyField(
        "referential.Term", related_name="+", verbose_name=_("formes d'intervention collective")
    )
    methods = models.ManyToManyField(
        "referential.Term", related_name="+", blank=True, verbose_name=_("méthodes")
    )
    publics = models.ManyToManyField(
        "referential.Term", related_name="+", blank=True, verbose_name=_("publics")
    )
    themes = models.ManyToManyField(
        "referential.Term", related_name="+", blank=True, verbose_name=_("thèmes")
    )
    participation_level = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("niveau de participation"),
    )
    territories = models.ManyToManyField(
        "territories.Territory", related_name="+", blank=True, verbose_name=_("territoires")
    )
    scale = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("échelle territoriale"),
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="PracticeOrganisation",
        related_name="practices",
        blank=True,
        verbose_name=_("organisations impliquées"),
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    ongoing = models.BooleanField(_("en cours"), default=False)
    participants_count = models.PositiveIntegerField(
        _("nombre de participants"), null=True, blank=True
    )
    contact = models.CharField(
        _("contact"),
        max_length=300,
        blank=True,
        help_text=_("Service, fonction, adresse électronique professionnelle."),
    )
    licence = models.CharField(
        _("licence du texte"), max_length=16, choices=Licence.choices, default=Licence.CC_BY
    )

    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_revision = models.ForeignKey(
        "PracticeRevision",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version publiée"),
    )

    class Meta:
        verbose_name = _("pratique inspirante")
        verbose_name_plural = _("pratiques inspirantes")
        indexes = [models.Index(fields=["status", "-updated_at"], name="practice_status_updated")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="practice_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.pk])


class PracticeOrganisation(models.Model):
    practice = models.ForeignKey(Practice, models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey("organisations.Organisation", models.PROTECT, related_name="+")
    role = models.CharField(_("rôle"), max_length=16, choices=OrganisationRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organisation", "role"], name="practice_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class PracticeSource(models.Model):
    """Where the sheet comes from: a document (with the page or lines) or a web link."""

    practice = models.ForeignKey(Practice, models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=300)
    url = models.URLField(_("adresse web"), blank=True)
    locator = models.CharField(
        _("emplacement"),
        max_length=100,
        blank=True,
        help_text=_("Page ou lignes, par ex. « p. 12 » ou « L2995–3120 »."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    def __str__(self) -> str:
        return self.title


def _attachment_path(instance: PracticeAttachment, filename: str) -> str:
    return f"practices/{instance.practice_id}/{filename}"


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to=_attachment_path)
    title = models.CharField(_("titre"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class RevisionEvent(models.TextChoices):
    CREATED = "created", _("Création")
    EDITED = "edited", _("Modification")
    SUBMITTED = "submitted", _("Soumission à relecture")
    RETURNED = "returned", _("Renvoi à l'auteur")
    PUBLISHED = "published", _("Publication")
    ARCHIVED = "archived", _("Archivage")


class PracticeRevision(models.Model):
    practice = models.ForeignKey(Practice, models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("numéro"))
    event = models.CharField(_("étape"), max_length=16, choices=RevisionEvent.choices)
    content = models.JSONField(_("contenu"))
    comment = models.TextField(_("commentaire"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} v{self.number}"


# The search index's tables live with the search code; importing them here registers them.
from maillage.practices.search.models import SearchDocument  # noqa: E402, F401
