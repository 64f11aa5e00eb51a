from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from tests.territories.factories import small_geography

pytestmark = pytest.mark.django_db


def render(source: str, **context: object) -> str:
    return Template("{% load breadcrumb %}" + source).render(Context(context))


def test_breadcrumb_starts_at_home_and_marks_the_current_page():
    html = render('{% breadcrumb "Territoires" "/territoires/" "Arras" %}')
    assert html.index(">Accueil<") < html.index('href="/territoires/">Territoires<')
    assert '<a class="fr-breadcrumb__link" aria-current="page">Arras</a>' in html


def test_breadcrumb_links_objects_and_lists_of_objects_by_name():
    geography = small_geography()
    html = render(
        '{% breadcrumb "Territoires" "/territoires/" ancestors "Arras" %}',
        ancestors=[geography.hauts_de_france, geography.pas_de_calais],
    )
    assert 'href="/territoires/region/32/">Hauts-de-France<' in html
    assert 'href="/territoires/departement/62/">Pas-de-Calais<' in html


def test_a_label_without_url_is_a_template_error():
    with pytest.raises(TemplateSyntaxError, match="no URL"):
        render('{% breadcrumb "Territoires" "/territoires/" "Pas-de-Calais" "Arras" %}')
