"""Territory fields for every form of the application, and the forms of the territory pages.

    from maillage.territories.forms import TerritoryMultipleChoiceField

    territories = TerritoryMultipleChoiceField(label=_("Territoires"), required=False)
    commune = TerritoryChoiceField(label=_("Commune"), levels={"commune"})

Templates must render `{{ form.media }}` (in `{% block scripts %}`) for the picker's script.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from maillage.territories.composition import CompositionRow, MalformedFile, parse_composition
from maillage.territories.models import CustomKind, Territory
from maillage.territories.search import exact_matches
from maillage.territories.widgets import TerritoryPicker, Typed

_TYPED_SEPARATORS = re.compile(r"[,;\n]+")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class _TypedTerritories:
    """Resolve what was typed in the picker's box without choosing a suggestion (or without
    JavaScript): names or codes separated by commas, each naming exactly one territory."""

    levels: frozenset[str]

    def resolve(self, typed: str) -> list[Territory]:
        found: list[Territory] = []
        errors: list[ValidationError] = []
        for text in filter(None, (part.strip() for part in _TYPED_SEPARATORS.split(typed))):
            matches = exact_matches(text, levels=self.levels)
            if len(matches) == 1:
                found.extend(matches)
            elif not matches:
                errors.append(
                    ValidationError(
                        _(
                            "Aucun territoire ne s'appelle ni n'a pour code « %(text)s » : "
                            "choisissez-le dans la liste des suggestions."
                        ),
                        code="unknown_text",
                        params={"text": text},
                    )
                )
            else:
                errors.append(
                    ValidationError(
                        _(
                            "« %(text)s » désigne plusieurs territoires (%(choices)s) : tapez "
                            "plutôt le code de celui que vous voulez."
                        ),
                        code="ambiguous_text",
                        params={
                            "text": text,
                            "choices": " ; ".join(match.full_label for match in matches[:5]),
                        },
                    )
                )
        if errors:
            raise ValidationError(errors)
        return found


def _territories(queryset: QuerySet[Territory] | None, levels: frozenset[str]) -> QuerySet:
    queryset = Territory.objects.all() if queryset is None else queryset
    return queryset.filter(level__in=levels) if levels else queryset


class TerritoryChoiceField(_TypedTerritories, forms.ModelChoiceField):
    """One territory, chosen with the picker; `levels` restricts it (e.g. {"commune"})."""

    default_error_messages = {
        "required": _("Choisissez un territoire."),
        "invalid_choice": _("Territoire inconnu ou non proposé ici (identifiant %(value)s)."),
        "several": _("Choisissez un seul territoire."),
    }

    def __init__(
        self,
        *,
        queryset: QuerySet[Territory] | None = None,
        levels: Collection[str] | None = None,
        submit_on_choose: bool = False,
        **kwargs: Any,
    ) -> None:
        self.levels = frozenset(levels or ())
        kwargs.setdefault(
            "widget", TerritoryPicker(levels=self.levels, submit_on_choose=submit_on_choose)
        )
        kwargs.setdefault("empty_label", None)
        super().__init__(_territories(queryset, self.levels), **kwargs)

    def to_python(self, value: Any) -> Territory | None:
        if isinstance(value, list | tuple):
            typed = [item for item in value if isinstance(item, Typed)]
            if typed:
                found = self.resolve(typed[-1])
                if len(found) > 1:
                    raise ValidationError(self.error_messages["several"], code="several")
                value = found[0].pk if found else None
            else:
                value = value[-1] if value else None
        return super().to_python(value)


class TerritoryMultipleChoiceField(_TypedTerritories, forms.ModelMultipleChoiceField):
    """Territories chosen with the picker, of any level unless `levels` restricts them."""

    default_error_messages = {
        "required": _("Choisissez au moins un territoire."),
        "invalid_list": _("Donnez une liste de territoires."),
        "invalid_choice": _("Territoire inconnu ou non proposé ici (identifiant %(value)s)."),
        "invalid_pk_value": _("« %(pk)s » n'est pas un identifiant de territoire."),
    }

    def __init__(
        self,
        *,
        queryset: QuerySet[Territory] | None = None,
        levels: Collection[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.levels = frozenset(levels or ())
        kwargs.setdefault("widget", TerritoryPicker(multiple=True, levels=self.levels))
        super().__init__(_territories(queryset, self.levels), **kwargs)

    def clean(self, value: Any) -> QuerySet[Territory]:
        values = list(value or [])
        ids = [item for item in values if not isinstance(item, Typed)]
        for typed in (item for item in values if isinstance(item, Typed)):
            ids.extend(str(territory.pk) for territory in self.resolve(typed))
        return super().clean(list(dict.fromkeys(ids)))


class TerritorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Nom, code commune, code postal ou numéro de département"),
        required=False,
        max_length=100,
    )


class GoToTerritoryForm(forms.Form):
    territoire = TerritoryChoiceField(
        label=_("Territoire"),
        help_text=_("Tapez le début d'un nom ou un code, puis choisissez dans la liste."),
        submit_on_choose=True,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV de composition communale"),
        help_text=_(
            "Une ligne par commune : code du territoire, nom du territoire, code commune "
            "(en-têtes reconnus : CODGEO, BV2022, LIBBV2022, code, nom, commune…). "
            "Séparateur « ; » ou « , », encodage UTF-8 ou Windows-1252."
        ),
    )
    kind = forms.ChoiceField(label=_("Type de territoire"), choices=CustomKind.choices)
    dry_run = forms.BooleanField(
        label=_("Simulation : vérifier le fichier sans rien enregistrer"), required=False
    )

    def clean_file(self) -> list[CompositionRow]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Le fichier dépasse %(size)d Mo.") % {"size": MAX_UPLOAD_BYTES // 1024 // 1024}
            )
        try:
            return parse_composition(upload.read())
        except MalformedFile as error:
            raise ValidationError(
                _("Fichier mal formé, rien n'a été importé. %(error)s") % {"error": error}
            ) from error
