from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
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
    def from_codes(
        self, pairs: Iterable[tuple[str, str]]
    ) -> tuple[list[Territory], list[tuple[str, str]]]:
        """The territories named by (level, code) pairs, in the order given, in one query, and
        the pairs that name none: callers refuse the whole input when any is unknown."""
        wanted = list(dict.fromkeys(pairs))
        query = models.Q(pk__in=[])
        for level, code in wanted:
            query |= models.Q(level=level, code=code)
        found = {(territory.level, territory.code): territory for territory in self.filter(query)}
        return (
            [found[pair] for pair in wanted if pair in found],
            [pair for pair in wanted if pair not in found],
        )

    def get_for_page(self, level: str, code: str) -> Territory:
        """One territory with its parents, for its page and the API; Http404 in French if unknown."""
        territory = (
            self.select_related("region", "departement", "epci", "parent")
            .filter(level=level, code=code)
            .first()
        )
        if territory is None:
            raise Http404(
                gettext("Territoire inconnu : %(level)s %(code)s.") % {"level": level, "code": code}
            )
        return territory

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
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("EPCI")
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune de rattachement"),
        help_text=_("Pour un arrondissement municipal, sa commune."),
    )
    communes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="containers",
        verbose_name=_("communes"),
        help_text=_("Pour un territoire personnalisé."),
    )
    is_current = models.BooleanField(
        _("en vigueur"),
        default=True,
        help_text=_(
            "Faux pour un territoire disparu du code officiel géographique mais gardé parce "
            "que des données y font référence."
        ),
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

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", args=[self.level, self.code])

    @property
    def level_label(self) -> str:
        """« Commune », « EPCI »… and, for a custom territory, its kind (« Bassin de vie »)."""
        if self.level == Level.CUSTOM and self.kind:
            return str(self.get_kind_display())
        return str(self.get_level_display())

    @property
    def context(self) -> Territory | None:
        """The territory that situates this one for a reader: a commune's département, a
        département's région. Needs `departement` and `region` selected to avoid a query."""
        if self.level == Level.REGION:
            return None
        if self.level == Level.DEPARTEMENT:
            return self.region
        return self.departement

    @property
    def full_label(self) -> str:
        """« Arras — Commune · 62041 · Pas-de-Calais », as the picker shows it."""
        parts = [self.level_label, self.code]
        if context := self.context:
            parts.append(context.name)
        return f"{self.name} — {' · '.join(parts)}"

    @property
    def ancestors(self) -> list[Territory]:
        """The larger territories it lies in, largest first (for the breadcrumb). Needs
        `region`, `departement` and `parent` selected to avoid queries."""
        candidates = (self.region, self.departement, self.parent)
        return [territory for territory in candidates if territory and territory.pk != self.pk]

    @property
    def has_communes(self) -> bool:
        return self.level not in {Level.COMMUNE, Level.ARRONDISSEMENT}


class SearchTerm(models.Model):
    """What the territory picker matches: folded names from each word on, postal codes, codes.

    One indexed row per searchable prefix start lets « denis » find Saint-Denis with an index
    range scan instead of reading 35 000 names. `level` and `rank` are copied from the territory
    so that the search reads the index alone (it covers every column the search needs).
    """

    term = models.CharField(max_length=200)
    territory = models.ForeignKey(Territory, models.CASCADE, related_name="search_terms")
    level = models.CharField(max_length=16, choices=Level.choices)
    rank = models.PositiveBigIntegerField(
        help_text="Order among the matches of one prefix; see maillage.territories.indexing."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "territory"], name="search_term_unique")
        ]
        indexes = [
            # PostgreSQL needs the pattern operator classes for `LIKE 'prefix%'` under a
            # non-C collation; other databases ignore `opclasses`.
            models.Index(
                fields=["term", "level", "rank", "territory"],
                name="search_term_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.term


class ReferenceLoad(models.Model):
    """One load of the official geography, so that loading the same data again does nothing."""

    source = models.CharField(_("source"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    content_hash = models.CharField(_("empreinte du contenu"), max_length=64)
    departements = models.CharField(
        _("départements chargés"), max_length=400, blank=True, help_text=_("Vide : tous.")
    )
    loaded_at = models.DateTimeField(_("chargé le"), auto_now_add=True)
    counts = models.JSONField(_("décompte"), default=dict)

    class Meta:
        verbose_name = _("chargement du référentiel géographique")
        verbose_name_plural = _("chargements du référentiel géographique")
        get_latest_by = ["loaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.version} ({self.loaded_at:%Y-%m-%d %H:%M})"


class Outline(models.Model):
    """The simplified outline of a commune or an arrondissement municipal, for the SVG maps.

    `rings` holds every ring of the (multi)polygon in one compact string, so that a map of 800
    communes reads and decodes in a few milliseconds: rings are separated by « ; », each is
    « lon lat dlon dlat dlon dlat … » in integers of 1e-4 degree (about 10 m), the first point
    absolute and the others as differences from the previous one. Holes need no mark: the maps
    fill with the even-odd rule. See `maillage.territories.outlines`.
    """

    territory = models.OneToOneField(
        Territory, models.CASCADE, primary_key=True, related_name="outline"
    )
    rings = models.TextField()
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()

    class Meta:
        verbose_name = _("contour")
        verbose_name_plural = _("contours")

    def __str__(self) -> str:
        return str(self.territory_id)
