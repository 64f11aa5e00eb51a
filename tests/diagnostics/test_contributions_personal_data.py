"""What looks like personal data in a contribution is flagged for the moderator, and marked in
the text she reads; years, postcodes and ordinary numbers are not."""

from __future__ import annotations

import pytest

from maillage.diagnostics.personal_data import marked, personal_data_flags


@pytest.mark.parametrize(
    "text",
    [
        "Appelez-moi au 06 12 34 56 78 le soir",
        "mon numéro 06.12.34.56.78",
        "joignable au 0612345678",
        "ou au +33 6 12 34 56 78",
        "ou au +33612345678",
        "fixe : 03-21-45-67-89",
        "depuis l'étranger 0033 (0)6 12 34 56 78",
    ],
)
def test_french_phone_numbers_in_their_usual_forms_are_flagged(text: str) -> None:
    assert personal_data_flags(text) == ["phone"]


@pytest.mark.parametrize(
    "text", ["écrivez à marie.dupont@example.fr", "contact: jean-luc+ccas@mairie-arras.gouv.fr"]
)
def test_email_addresses_are_flagged(text: str) -> None:
    assert personal_data_flags(text) == ["email"]


@pytest.mark.parametrize(
    "text", ["mon numéro 1 85 05 78 006 084 36", "NIR 185057800608436", "2 91 02 2A 004 123"]
)
def test_social_security_numbers_are_flagged_and_not_as_phones(text: str) -> None:
    assert personal_data_flags(text) == ["social_security"]


def test_a_home_address_is_flagged() -> None:
    assert personal_data_flags("j'habite au 12 rue des Lilas") == ["address"]
    assert personal_data_flags("au 3 bis, avenue Foch") == ["address"]


@pytest.mark.parametrize(
    "text",
    [
        "Depuis 2019, et encore en 2024, le bus ne passe plus.",
        "À Arras (62000) et à Saint-Laurent-Blangy 62223, rien le mercredi.",
        "Il y a 1500 familles et 30000 euros de budget, 12 places en crèche.",
        "Ouvert de 9 h à 12 h, 2 fois par semaine, le 12/03/2024.",
        "Les trois rues du quartier n'ont pas d'éclairage.",
    ],
)
def test_years_postcodes_and_ordinary_numbers_are_not_flagged(text: str) -> None:
    assert personal_data_flags(text) == []


def test_several_kinds_are_listed_once_each() -> None:
    text = "06 12 34 56 78 ou 07 11 22 33 44, ou a@b.fr"
    assert personal_data_flags(text) == ["phone", "email"]


def test_the_suspicious_parts_are_marked_and_the_rest_escaped() -> None:
    html = marked("<b>Moi</b> : 06 12 34 56 78 & a@b.fr")
    assert html.startswith("&lt;b&gt;Moi&lt;/b&gt; : <mark")
    assert '">06 12 34 56 78</mark> &amp; <mark' in html
    assert ">a@b.fr</mark>" in html
