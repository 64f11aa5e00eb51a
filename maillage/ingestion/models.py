"""Assisted capitalisation: documents read into plain lines, the passages that describe a practice
or cite a source, the candidate practice sheets and the library records drawn from them.

A document's text is kept as the lines it was read into (`Document.text`, one line per
paragraph, heading, list item or table row), so that every provenance is a line range of that text
(and the page when the format has pages): the reviewer sees each extracted field beside the exact
passage it came from. Nothing becomes a practice sheet without a documentalist: a candidate is
accepted into a *draft* sheet, which then follows the practices review workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    REPORT = "report", _("Rapport")
    CONTRIBUTION = "contribution", _("Contribution")
    PROCEEDINGS = "proceedings", _("Actes de journée d'étude ou de colloque")
    REPERTOIRE = "repertoire", _("Répertoire de fiches action")
    ARTICLE = "article", _("Article")
    ACTIVITY_REPORT = "activity_report", _("Rapport d'activité")
    EVALUATION = "evaluation", _("Rapport d'évaluation")
    OTHER = "other", _("Autre document")


class Document(models.Model):
    """One imported file. The same file imported twice for the same organisation (or, without
    one, by the server) is recognised by its hash; another organisation gets its own copy, so
    that nobody learns what others imported."""

    title = models.CharField(_("titre"), max_length=300)
    authors = models.CharField(_("auteurs ou organisation"), max_length=300, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    document_type = models.CharField(
        _("type"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)  # docx, odt, pdf, txt, md
    encoding = models.CharField(_("encodage lu"), max_length=40, blank=True)
    sha256 = models.CharField(_("empreinte"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    lines = models.PositiveIntegerField(_("lignes"), default=0)
    text = models.TextField(_("texte lu"), blank=True)
    # Page of each line for paged formats (a list as long as the text's lines), else empty.
    line_pages = models.JSONField(default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                Coalesce("organisation", models.Value(0)),
                "sha256",
                name="document_once_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ingestion:document", args=[self.pk])


class SegmentKind(models.TextChoices):
    FICHE = "fiche", _("Fiche action (champs titrés)")
    EXAMPLE = "example", _("Paragraphe « Exemple : »")
    NAMED_ACTION = "named_action", _("Action nommée dans un témoignage")
    TABLE_ROW = "table_row", _("Ligne de tableau")
    REFERENCE = "reference", _("Référence bibliographique")


class Segment(models.Model):
    """A passage of a document that describes a practice or cites a source."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="segments")
    kind = models.CharField(_("type de passage"), max_length=16, choices=SegmentKind.choices)
    start_line = models.PositiveIntegerField(_("première ligne"))
    end_line = models.PositiveIntegerField(_("dernière ligne"))
    start_page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    heading = models.CharField(
        _("section"), max_length=500, blank=True, help_text=_("Les titres au-dessus du passage.")
    )
    text = models.TextField(_("texte"))

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["document", "start_line"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_line__gte=models.F("start_line")),
                name="segment_lines_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} L{self.start_line}–{self.end_line}"


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("À examiner")
    DUPLICATE = "duplicate", _("Doublon probable")
    ACCEPTED = "accepted", _("Acceptée")
    MERGED = "merged", _("Fusionnée")
    REJECTED = "rejected", _("Écartée")


# What a documentalist has still to decide: the other statuses are final.
OPEN_STATUSES = (CandidateStatus.PENDING, CandidateStatus.DUPLICATE)
# A candidate's lists of référentiel codes, each with the scheme its codes belong to.
TERM_FIELDS = {"isic_forms": "isic_form", "publics": "public", "themes": "theme"}
# The years a document was written in, or a candidate sheet starts or ends in, as the forms, the
# API and the write functions accept them; the largest count a candidate's columns hold on every
# database (`PositiveIntegerField`).
FIRST_YEAR, LAST_YEAR = 1800, 2100
MAX_COUNT = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]


class CandidatePractice(models.Model):
    """A practice sheet proposed from a passage, waiting for a documentalist.

    `fields` holds the « fiche action » fields found (keys of `Practice`: objectives,
    carriers_and_partners, description, feasibility, means, results, evaluation, comments…);
    `provenance` maps each extracted field name to where it came from: {"start_line", "end_line",
    "page", "why"} (`why` says in French which rule or word found it, so that the extraction stays
    explainable). Territories are resolved to `Territory` rows; `places` keeps each mention as
    written with its resolution ({"text", "level", "code", "name", "line"})."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="candidates")
    segment = models.ForeignKey(Segment, models.CASCADE, related_name="candidates")
    status = models.CharField(
        _("état"), max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    title = models.CharField(_("titre"), max_length=300)
    summary = models.TextField(_("résumé"), blank=True)
    fields = models.JSONField(_("champs de la fiche"), default=dict, blank=True)
    isic_forms = models.JSONField(_("formes d'intervention (codes)"), default=list, blank=True)
    publics = models.JSONField(_("publics (codes)"), default=list, blank=True)
    themes = models.JSONField(_("thèmes (codes)"), default=list, blank=True)
    territories = models.ManyToManyField(
        "territories.Territory", blank=True, related_name="+", verbose_name=_("territoires")
    )
    places = models.JSONField(_("lieux cités"), default=list, blank=True)
    organisations = models.JSONField(
        _("organisations citées"), default=list, blank=True
    )  # [{"name", "kind"}]
    start_year = models.PositiveSmallIntegerField(_("début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("fin"), null=True, blank=True)
    participants_count = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    inhabitants_count = models.PositiveIntegerField(_("habitants"), null=True, blank=True)
    provenance = models.JSONField(_("provenance par champ"), default=dict, blank=True)
    similar_practice = models.ForeignKey(
        "practices.Practice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fiche existante proche"),
    )
    similar_candidate = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposition proche"),
    )
    similarity = models.FloatField(_("ressemblance"), null=True, blank=True)
    practice = models.ForeignKey(
        "practices.Practice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fiche créée"),
    )
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fusionnée dans"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("examinée par"),
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    review_note = models.CharField(_("motif"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposition de fiche")
        verbose_name_plural = _("propositions de fiches")
        ordering = ["document", "segment__start_line"]
        indexes = [models.Index(fields=["status", "document"], name="candidate_status_doc")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ingestion:candidate", args=[self.pk])


class Reference(models.Model):
    """A library record: one source, whatever the ways documents cite it (variants merged under
    `key`, the folded author and title)."""

    key = models.CharField(_("clé de rapprochement"), max_length=300, unique=True)
    authors = models.CharField(_("auteurs ou organisation"), max_length=300, blank=True)
    title = models.CharField(_("titre"), max_length=500)
    event = models.CharField(_("événement"), max_length=300, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    date_text = models.CharField(_("date"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    pages = models.CharField(_("pages"), max_length=60, blank=True)
    url = models.URLField(_("adresse web"), max_length=500, blank=True)
    document_type = models.CharField(
        _("type"), max_length=20, choices=DocumentType.choices, default=DocumentType.OTHER
    )
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fusionnée dans"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice bibliographique")
        verbose_name_plural = _("notices bibliographiques")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ingestion:reference", args=[self.pk])


class Citation(models.Model):
    """Where a document cites a reference, as written there."""

    reference = models.ForeignKey(Reference, models.CASCADE, related_name="citations")
    document = models.ForeignKey(Document, models.CASCADE, related_name="citations")
    segment = models.ForeignKey(
        Segment, models.SET_NULL, null=True, blank=True, related_name="citations"
    )
    raw_text = models.TextField(_("texte cité"))
    start_line = models.PositiveIntegerField(_("ligne"))
    end_line = models.PositiveIntegerField(_("dernière ligne"))

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["document", "start_line"]

    def __str__(self) -> str:
        return f"{self.reference_id} ← {self.document_id} L{self.start_line}"


class ImportBatch(models.Model):
    """Files uploaded together through the interface and read in the background; the page polls
    it for progress. Each file gets its own `Document` (or its error) as it is read."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("importé par")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    document_type = models.CharField(
        _("type des documents"), max_length=20, choices=DocumentType.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    # One entry per file: {"file_name", "document": id | None, "error": str, "candidates": n}
    results = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot d'import")
        verbose_name_plural = _("lots d'import")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.files_done}/{self.files_total})"
