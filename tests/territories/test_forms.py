from __future__ import annotations

import re

import pytest
from django import forms
from django.http import QueryDict

from maillage.territories.forms import TerritoryChoiceField, TerritoryMultipleChoiceField
from maillage.territories.models import Level
from tests.territories.factories import Geography


class ActionForm(forms.Form):
    territories = TerritoryMultipleChoiceField(label="Territoires", required=False)
    communes = TerritoryMultipleChoiceField(label="Communes", levels={Level.COMMUNE})
    departement = TerritoryChoiceField(label="Département", levels={"departement"}, required=False)


def form(query: str) -> ActionForm:
    return ActionForm(QueryDict(query))


def test_chosen_ids_give_the_territories(geography: Geography) -> None:
    bound = form(
        f"territories={geography.arras.pk}&territories={geography.nord.pk}"
        f"&communes={geography.lille.pk}&departement={geography.nord.pk}"
    )

    assert bound.is_valid(), bound.errors
    assert set(bound.cleaned_data["territories"]) == {geography.arras, geography.nord}
    assert list(bound.cleaned_data["communes"]) == [geography.lille]
    assert bound.cleaned_data["departement"] == geography.nord


def test_unknown_id_gets_a_french_error(geography: Geography) -> None:
    bound = form("communes=999999")

    assert not bound.is_valid()
    assert bound.errors["communes"] == [
        "Territoire inconnu ou non proposé ici (identifiant 999999)."
    ]


def test_a_level_outside_the_field_is_refused(geography: Geography) -> None:
    bound = form(f"communes={geography.nord.pk}&departement={geography.arras.pk}")

    assert not bound.is_valid()
    assert "non proposé ici" in bound.errors["communes"][0]
    assert "non proposé ici" in bound.errors["departement"][0]


def test_required_field_says_so_in_french(geography: Geography) -> None:
    bound = form("")

    assert bound.errors["communes"] == ["Choisissez au moins un territoire."]


def test_typed_codes_and_names_are_resolved_without_javascript(geography: Geography) -> None:
    bound = form(
        f"communes={geography.lille.pk}&communes__saisie=62041, dainville&departement__saisie=59"
    )

    assert bound.is_valid(), bound.errors
    assert set(bound.cleaned_data["communes"]) == {
        geography.lille,
        geography.arras,
        geography.dainville,
    }
    assert bound.cleaned_data["departement"] == geography.nord


def test_typed_text_naming_nothing_or_several_territories_is_explained(
    geography: Geography,
) -> None:
    bound = form("communes__saisie=arra&territories__saisie=62000")

    assert not bound.is_valid()
    assert bound.errors["communes"] == [
        "Aucun territoire ne s'appelle ni n'a pour code « arra » : choisissez-le dans la "
        "liste des suggestions."
    ]
    assert (
        "« 62000 » désigne plusieurs territoires (Arras — Commune · 62041 · Pas-de-Calais ;"
        in (bound.errors["territories"][0])
    )


def test_widget_renders_an_aria_combobox_with_the_chosen_territories(
    geography: Geography,
) -> None:
    bound = form(f"communes={geography.arras.pk}&communes={geography.lille.pk}")

    html = str(bound["communes"])

    combobox = re.search(r"<input[^>]*role=\"combobox\"[^>]*>", html).group(0)
    assert 'aria-autocomplete="list"' in combobox
    assert 'aria-expanded="false"' in combobox
    assert 'aria-controls="id_communes-suggestions"' in combobox
    assert 'id="id_communes"' in combobox
    assert 'hx-get="/territoires/suggestions"' in combobox
    assert 'hx-trigger="input changed delay:150ms"' in combobox
    assert "required" not in combobox  # the box is empty once territories are chosen
    assert (
        '<ul class="maillage-picker__listbox" id="id_communes-suggestions" role="listbox"' in html
    )
    assert 'data-levels="commune"' in html
    assert f'<input type="hidden" name="communes" value="{geography.arras.pk}">' in html
    assert f'<input type="hidden" name="communes" value="{geography.lille.pk}">' in html
    assert 'aria-label="Retirer Arras (62041)"' in html


def test_widget_keeps_what_was_typed_when_the_form_is_redisplayed(geography: Geography) -> None:
    html = str(form("communes__saisie=arra")["communes"])

    assert 'name="communes__saisie" value="arra"' in html


def test_widget_brings_its_script() -> None:
    assert "territories/picker.js" in str(ActionForm().media)


def test_the_field_other_apps_use_keeps_a_simple_constructor(geography: Geography) -> None:
    field = TerritoryMultipleChoiceField(label="Territoires", required=False, levels=None)

    assert list(field.clean([])) == []
    assert list(field.clean([str(geography.arras.pk)])) == [geography.arras]


@pytest.mark.django_db
def test_a_model_form_with_initial_territories_shows_them(geography: Geography) -> None:
    bound = ActionForm(initial={"territories": [geography.saint_denis]})

    assert f'value="{geography.saint_denis.pk}"' in str(bound["territories"])
