"""The référentiel: controlled vocabularies (schemes) and their terms.

Other apps point at `Term` with foreign keys and find terms by `(scheme code, term code)`, which
never change once published. Terms are never deleted: a term removed from the data file is
marked inactive so that the objects which reference it keep a valid, readable link.

Sub-types are narrower terms of the same scheme (`broader`): group types under « travail social
de groupe », community types and strategies under « travail social communautaire », network
practices under « intervention de réseau ».
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SchemeQuerySet(models.QuerySet["Scheme"]):
    def active(self) -> SchemeQuerySet:
        return self.filter(is_active=True)

    def with_term_counts(self) -> SchemeQuerySet:
        """Annotate `term_count`, the number of terms in use."""
        return self.annotate(
            term_count=models.Count("terms", filter=models.Q(terms__is_active=True))
        )


class Scheme(models.Model):
    """One controlled vocabulary, e.g. the forms of collective intervention (`isic_form`)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    definition = models.TextField(_("définition"))
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Lignes du rapport de 2015 d'où vient le vocabulaire, par ex. « L621–687 »."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("en usage"), default=True)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("vocabulaire")
        verbose_name_plural = _("vocabulaires")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("referential:scheme", args=[self.code])


class UnknownTermError(ObjectDoesNotExist):
    """Raised by `Term.objects.get_by_codes` with a French message naming the missing codes."""


class TermQuerySet(models.QuerySet["Term"]):
    def active(self) -> TermQuerySet:
        return self.filter(is_active=True)

    def in_scheme(self, scheme_code: str, *, include_inactive: bool = False) -> TermQuerySet:
        """The terms of one scheme in their reading order, e.g. to fill a form's choices."""
        terms = self.filter(scheme__code=scheme_code).order_by("position", "code")
        return terms if include_inactive else terms.active()

    def get_by_codes(self, scheme_code: str, term_code: str) -> Term:
        """One term, active or not, so that codes stored by other apps always resolve."""
        try:
            return self.select_related("scheme").get(scheme__code=scheme_code, code=term_code)
        except self.model.DoesNotExist:
            raise UnknownTermError(
                gettext("Terme inconnu : %(scheme)s/%(term)s.")
                % {"scheme": scheme_code, "term": term_code}
            ) from None

    def get_for_page(self, scheme_code: str, term_code: str) -> Term:
        """One term with its broader and narrower terms, for its page and the API. Inactive
        terms keep their page: objects recorded with them still link here."""
        term = (
            self.filter(scheme__code=scheme_code, scheme__is_active=True, code=term_code)
            .select_related("scheme", "broader__scheme")
            .prefetch_related(
                models.Prefetch(
                    "narrower",
                    queryset=Term.objects.active().select_related("scheme").order_by("position"),
                )
            )
            .first()
        )
        if term is None:
            raise Http404(
                gettext("Terme inconnu : %(scheme)s/%(term)s.")
                % {"scheme": scheme_code, "term": term_code}
            )
        return term


class Term(models.Model):
    scheme = models.ForeignKey(
        Scheme, models.PROTECT, related_name="terms", verbose_name=_("vocabulaire")
    )
    code = models.SlugField(
        _("code"),
        max_length=80,
        help_text=_("Identifiant stable, unique dans le vocabulaire ; ne change jamais."),
    )
    label = models.CharField(_("libellé"), max_length=200)
    definition = models.TextField(_("définition"))
    broader = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="narrower",
        verbose_name=_("terme générique"),
    )
    alt_labels = models.JSONField(
        _("autres appellations"),
        default=list,
        blank=True,
        help_text=_("Synonymes, sigles et variantes, pour la recherche et l'import de documents."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("en usage"), default=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("terme")
        verbose_name_plural = _("termes")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="term_unique_scheme_code")
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("referential:term", args=[self.scheme.code, self.code])

    def clean(self) -> None:
        if self.broader_id is None:
            return
        if self.broader.scheme_id != self.scheme_id:
            raise ValidationError(
                {"broader": _("Le terme générique doit appartenir au même vocabulaire.")}
            )
        seen: set[int | None] = {self.pk}
        ancestor: Term | None = self.broader
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError(
                    {"broader": _("Un terme ne peut pas être son propre terme générique.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.broader
