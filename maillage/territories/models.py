from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")
    ARRONDISSEMENT = "arrondissement", _("Arrondissement municipal")
    CUSTOM = "custom", _("Territoire personnalisé")


class CustomKind(models.TextChoices):
    BASSIN_DE_VIE = "bassin_de_vie", _("Bassin de vie")
    QUARTIER_PRIORITAIRE = "quartier_prioritaire", _("Quartier prioritaire")
    CANTON = "canton", _("Canton")
    TERRITOIRE_ACTION_SOCIALE = "territoire_action_sociale", _("Territoire d'action sociale")
    BASSIN_EMPLOI = "bassin_emploi", _("Bassin d'emploi")
    PAYS = "pays", _("Pays")
    AUTRE = "autre", _("Autre territoire")


class TerritoryQuerySet(models.QuerySet["Territory"]):
    def communes_of(self, territory: Territory) -> TerritoryQuerySet:
        """The communes a territory is made of, whatever its level."""
        communes = self.filter(level=Level.COMMUNE)
        match territory.level:
            case Level.COMMUNE:
                return communes.filter(pk=territory.pk)
            case Level.ARRONDISSEMENT:
                return communes.filter(pk=territory.parent_id)
            case Level.REGION:
                return communes.filter(region=territory)
            case Level.DEPARTEMENT:
                return communes.filter(departement=territory)
            case Level.EPCI:
                return communes.filter(epci=territory)
            case _:
                return communes.filter(containers=territory)


class Territory(models.Model):
    """One row per territory of any level, so that every other app points at one table.

    `code` is the COG code (région, département, commune, arrondissement), the SIREN of an EPCI, or
    the code given to a custom territory by its source (e.g. INSEE's bassin de vie code).
    """

    level = models.CharField(_("niveau"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type de territoire personnalisé"), max_length=32, choices=CustomKind.choices, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)
    region = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("région")
    )
    departement = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("EPCI")
    )
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("commune de rattachement"),
        help_text=_("Pour un arrondissement municipal, sa commune."),
    )
    communes = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="containers",
        verbose_name=_("communes"), help_text=_("Pour un territoire personnalisé."),
    )

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="territory_unique_level_code")
        ]
        indexes = [models.Index(fields=["level", "-population"], name="territory_level_pop")]

    def __str__(self) -> str:
        if self.level in {Level.COMMUNE, Level.DEPARTEMENT}:
            return f"{self.name} ({self.code})"
        return self.name


class SearchTerm(models.Model):
    """What the territory picker matches: folded names from each word on, postal codes, codes.

    One indexed row per searchable prefix start lets « denis » find Saint-Denis with an index
    range scan instead of reading 35 000 names.
    """

    term = models.CharField(max_length=200, db_index=True)
    territory = models.ForeignKey(Territory, models.CASCADE, related_name="search_terms")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "territory"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return self.term
