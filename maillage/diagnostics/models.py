"""Shared territorial diagnosis: the indicators of a territory and the participatory diagnosis.

Indicator values are stored once per commune and never per larger territory: every profile
(EPCI, département, bassin de vie, any custom territory) is computed from the communes it is made
of, so that a ratio rolls up as the sum of its numerators over the sum of its denominators,
never as a mean of ratios. A ratio indicator stores no value of its own: it names the two sum
indicators it divides.

A diagnosis belongs to its carrier organisation (`organisation`) and is shared with the
organisations of its steering group (`shared_with`). Inhabitants contribute through a public link
without an account; their contributions are moderated before anyone else reads them, and no
personal data is asked of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import OrganisationOwned


class Theme(models.TextChoices):
    DEMOGRAPHY = "demographie", _("Démographie")
    INCOME_POVERTY = "revenus_pauvrete", _("Revenus et pauvreté")
    EMPLOYMENT = "emploi", _("Emploi")
    HOUSING = "logement", _("Logement")
    FAMILIES = "familles", _("Familles")
    AGE = "age", _("Âge")
    HEALTH = "sante", _("Santé")
    EDUCATION = "education", _("Éducation")
    MOBILITY = "mobilite", _("Mobilité")
    SERVICES = "equipements_services", _("Équipements et services")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Somme des communes")
    RATIO = "ratio", _("Rapport numérateur / dénominateur")


class Indicator(models.Model):
    """One entry of the catalogue. A `sum` indicator holds values per commune; a `ratio` holds
    none and is computed as `scale × Σ numerator / Σ denominator` over the communes of a
    territory (with `scale` 100 for a percentage, 1 000 for a rate per thousand)."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Identifiant stable, en minuscules : la colonne ou la ligne des fichiers."),
    )
    label = models.CharField(_("libellé"), max_length=200)
    theme = models.CharField(_("thème"), max_length=32, choices=Theme.choices)
    unit = models.CharField(
        _("unité"), max_length=40, blank=True, help_text=_("Par exemple « habitants », « % »…")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    definition = models.TextField(_("définition"), blank=True)
    aggregation = models.CharField(
        _("agrégation"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    numerator = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("numérateur"),
    )
    denominator = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dénominateur"),
    )
    scale = models.PositiveIntegerField(
        _("multiplicateur"),
        default=1,
        help_text=_("100 pour un pourcentage, 1 000 pour un taux pour mille."),
    )
    is_sample = models.BooleanField(
        _("données d'exemple"),
        default=False,
        help_text=_("Valeurs fictives livrées pour la démonstration : à ne pas citer."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation responsable"),
        help_text=_(
            "Vide pour un indicateur national, géré par les administrateurs ; sinon ses "
            "coordinateurs en importent les valeurs."
        ),
    )
    # The national totals are kept by every write of values (same transaction), so that each
    # profile compares with France without summing 35 000 communes. For a sum: the sum and the
    # communes with a value. For a ratio: its numerator's and denominator's sums over the communes
    # where both are known, and how many they are (a ratio of totals over different communes
    # would compare apples with oranges).
    national_total = models.FloatField(_("total national"), null=True, blank=True, editable=False)
    national_denominator = models.FloatField(
        _("dénominateur national"), null=True, blank=True, editable=False
    )
    national_count = models.PositiveIntegerField(
        _("communes renseignées"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["theme", "label"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(aggregation="sum", numerator__isnull=True, denominator__isnull=True)
                    | models.Q(
                        aggregation="ratio", numerator__isnull=False, denominator__isnull=False
                    )
                ),
                name="indicator_ratio_has_terms",
            ),
            models.CheckConstraint(condition=models.Q(scale__gte=1), name="indicator_scale_pos"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("diagnostics:indicator", args=[self.code])

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == Aggregation.RATIO


class IndicatorValue(models.Model):
    """The value of a sum indicator in one commune (never in a larger territory)."""

    # No index of their own: the unique constraint starts with the indicator and the profile
    # index with the commune, and 1.75 million rows make every extra index cost.
    indicator = models.ForeignKey(
        Indicator,
        models.CASCADE,
        related_name="values",
        verbose_name=_("indicateur"),
        db_index=False,
    )
    commune = models.ForeignKey(
        "territories.Territory",
        models.CASCADE,
        related_name="+",
        verbose_name=_("commune"),
        db_index=False,
    )
    value = models.FloatField(_("valeur"))

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "commune"], name="indicator_value_one_per_commune"
            )
        ]
        # A profile reads the values of a set of communes: (commune, indicator, value) answers
        # it from the index alone.
        indexes = [
            models.Index(fields=["commune", "indicator", "value"], name="indicator_value_commune")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.commune_id} = {self.value}"


class IndicatorImport(models.Model):
    """One import of a file of values: who, when, what it wrote (for the audit and the history)."""

    file_name = models.CharField(_("fichier"), max_length=255)
    layout = models.CharField(_("présentation"), max_length=16)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    indicators = models.ManyToManyField(Indicator, related_name="imports", blank=True)
    values_written = models.PositiveIntegerField(_("valeurs écrites"), default=0)
    rows_refused = models.PositiveIntegerField(_("lignes refusées"), default=0)
    report = models.JSONField(_("rapport de validation"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import d'indicateurs")
        verbose_name_plural = _("imports d'indicateurs")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name


class DiagnosisKind(models.TextChoices):
    SHARED = "shared", _("Diagnostic partagé de territoire")
    SOCIAL_NEEDS = "abs", _("Analyse des besoins sociaux (CCAS)")
    OTHER = "other", _("Autre diagnostic")


class DiagnosisStatus(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    OPEN = "open", _("Contributions ouvertes")
    ANALYSIS = "analysis", _("Mise en commun")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


class Component(models.TextChoices):
    """The five components of the relevant territory (the 2015 report, MISSION.md §S4)."""

    GEOGRAPHY = "geographie", _("Le territoire géographique et administratif")
    FLOWS = "flux", _("Les flux de biens, de services et de personnes")
    PROBLEMS = "problematiques", _("Les problématiques sociales")
    PRACTICES = "pratiques", _("Les pratiques territorialisées des travailleurs sociaux")
    POPULATION = "population", _("Les intérêts, attentes et problèmes de la population")


class Diagnosis(OrganisationOwned):
    """A named shared diagnosis on one territory. `organisation` carries it; `shared_with` is
    kept equal to the organisations of its steering group, which read it."""

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=16, choices=DiagnosisKind.choices, default=DiagnosisKind.SHARED
    )
    territory = models.ForeignKey(
        "territories.Territory", models.PROTECT, related_name="+", verbose_name=_("territoire")
    )
    purpose = models.TextField(
        _("pourquoi ce diagnostic"),
        blank=True,
        help_text=_("En langage courant : ce que l'on cherche à comprendre, et pour qui."),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=DiagnosisStatus.choices,
        default=DiagnosisStatus.PREPARATION,
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin des contributions"), null=True, blank=True)
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("indicateurs retenus")
    )
    public_token = models.CharField(
        _("jeton du lien public"),
        max_length=32,
        unique=True,
        help_text=_("Le lien de contribution sans compte ; changé s'il faut couper un lien."),
    )
    synthesis = models.TextField(
        _("synthèse"), blank=True, help_text=_("La synthèse finale, en langage courant.")
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("créé par")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("diagnostic partagé")
        verbose_name_plural = _("diagnostics partagés")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="diagnosis_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("diagnostics:detail", args=[self.pk])


class SteeringMember(models.Model):
    """A member of the steering group: an organisation, a person, or a person of an organisation.
    People without an account (an elected official, an inhabitant representative) are a name."""

    diagnosis = models.ForeignKey(Diagnosis, models.CASCADE, related_name="steering_members")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    role = models.CharField(
        _("rôle"), max_length=200, blank=True, help_text=_("Par exemple « élue aux solidarités ».")
    )

    class Meta:
        verbose_name = _("membre du comité de pilotage")
        verbose_name_plural = _("comité de pilotage")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False)
                | models.Q(user__isnull=False)
                | ~models.Q(name=""),
                name="steering_member_named",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.user or self.organisation)


class DiagnosisSection(models.Model):
    """What the steering group writes about one of the five components."""

    diagnosis = models.ForeignKey(Diagnosis, models.CASCADE, related_name="sections")
    component = models.CharField(_("composante"), max_length=16, choices=Component.choices)
    text = models.TextField(_("texte"), blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("composante du diagnostic")
        verbose_name_plural = _("composantes du diagnostic")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnosis", "component"], name="diagnosis_section_once"
            )
        ]

    def __str__(self) -> str:
        return self.get_component_display()


class ContributionKind(models.TextChoices):
    NEED = "need", _("Un besoin")
    RESOURCE = "resource", _("Une ressource, ce qui marche")
    PROBLEM = "problem", _("Un problème")
    SIGNIFICANT_PERSON = "significant_person", _("Une personne ressource, un lieu où l'on est aidé")
    GAP = "gap", _("Un service qui manque")


class ContributorKind(models.TextChoices):
    INHABITANT = "inhabitant", _("Habitant ou habitante")
    PROFESSIONAL = "professional", _("Professionnel ou professionnelle")
    PARTNER = "partner", _("Partenaire, association, élu")


class ContributionStatus(models.TextChoices):
    PENDING = "pending", _("À modérer")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Écartée")


class Contribution(models.Model):
    """What someone brings to the diagnosis. Inhabitants' contributions carry no author and no
    personal data: `flags` lists what the write function suspected in the text (`phone`,
    `email`…) and in the place (`place:phone`…) so that the moderator removes it before
    publishing."""

    diagnosis = models.ForeignKey(Diagnosis, models.CASCADE, related_name="contributions")
    kind = models.CharField(_("type d'apport"), max_length=24, choices=ContributionKind.choices)
    contributor_kind = models.CharField(
        _("vous êtes"), max_length=16, choices=ContributorKind.choices
    )
    component = models.CharField(
        _("composante"), max_length=16, choices=Component.choices, blank=True
    )
    theme = models.CharField(_("thème"), max_length=32, choices=Theme.choices, blank=True)
    text = models.TextField(_("texte"))
    place = models.CharField(
        _("lieu"), max_length=200, blank=True, help_text=_("Un quartier, une rue, un lieu.")
    )
    commune = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=ContributionStatus.choices,
        default=ContributionStatus.PENDING,
    )
    flags = models.JSONField(_("signalements"), default=list, blank=True)
    # Only for contributions made with an account (professionals, partners).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modérée par"),
    )
    moderated_at = models.DateTimeField(_("modérée le"), null=True, blank=True)
    moderation_note = models.CharField(_("motif"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["diagnosis", "status"], name="contribution_diag_status"),
        ]

    def __str__(self) -> str:
        # Never the text: this is what the audit trail stores as the object's name, and an
        # inhabitant's text may hold personal data until the moderator removes it.
        return gettext("Contribution n° %(pk)s") % {"pk": self.pk}


class ContributionQuota(models.Model):
    """How many contributions one client sent through a public link in the current window.

    The client is a keyed hash of its address and the day (`client_key`), never the address:
    the table says nothing about who contributed, and rows older than a day are deleted."""

    client_key = models.CharField(max_length=64)
    diagnosis = models.ForeignKey(Diagnosis, models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_key", "diagnosis", "window_start"], name="contribution_quota_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.window_start:%Y-%m-%d %H:%M} {self.count}"


class PriorityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    AGREED = "agreed", _("Retenue")
    SET_ASIDE = "set_aside", _("Écartée")


class Priority(models.Model):
    """A priority the steering group proposes, votes on or agrees; an action may start from it."""

    diagnosis = models.ForeignKey(Diagnosis, models.CASCADE, related_name="priorities")
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    component = models.CharField(
        _("composante"), max_length=16, choices=Component.choices, blank=True
    )
    theme = models.CharField(_("thème"), max_length=32, choices=Theme.choices, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=PriorityStatus.choices, default=PriorityStatus.PROPOSED
    )
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)
    contributions = models.ManyToManyField(
        Contribution, blank=True, related_name="priorities", verbose_name=_("contributions liées")
    )
    decided_on = models.DateField(_("retenue le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("proposée par")
    )
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("priorité")
        verbose_name_plural = _("priorités")
        ordering = ["rank", "created_at"]

    def __str__(self) -> str:
        return self.title


class PriorityVote(models.Model):
    """One steering member's vote for a priority (one per person and priority)."""

    priority = models.ForeignKey(Priority, models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["priority", "user"], name="priority_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.priority_id} {self.user_id}"
