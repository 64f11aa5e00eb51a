"""The content shipped with Maillage: every vocabulary the report asks for, fully defined."""

from __future__ import annotations

import json
import re

import pytest

from maillage.referential.loading import DATA_FILE, read_referential, validate

REQUIRED_SCHEMES = {
    "isic_form",
    "method",
    "participation_level",
    "phase",
    "participation_ladder",
    "public",
    "theme",
    "sector",
    "scale",
    "actor_type",
    "concept",
}
SOURCE_PATTERN = re.compile(r"^L\d+(–\d+)?(, L\d+(–\d+)?)*$")


@pytest.fixture(scope="module")
def schemes() -> dict[str, dict[str, object]]:
    return {
        scheme.code: {term.code: term for term in scheme.terms}
        for scheme in read_referential(DATA_FILE)
    }


def test_the_data_file_is_valid() -> None:
    assert validate(json.loads(DATA_FILE.read_text(encoding="utf-8"))) == []


def test_every_required_scheme_is_present(schemes: dict[str, dict[str, object]]) -> None:
    assert set(schemes) >= REQUIRED_SCHEMES


def test_every_term_has_a_definition_of_one_to_three_sentences_and_a_source() -> None:
    for scheme in read_referential(DATA_FILE):
        assert scheme.definition and SOURCE_PATTERN.match(scheme.source), scheme.code
        for term in scheme.terms:
            assert len(term.definition) >= 40, term.code
            sentences = [part for part in re.split(r"[.!?](?:\s|$)", term.definition) if part]
            assert 1 <= len(sentences) <= 3, term.code
            assert SOURCE_PATTERN.match(term.source), (term.code, term.source)


def test_participation_levels_go_from_information_to_coproduction() -> None:
    (levels,) = [scheme for scheme in read_referential() if scheme.code == "participation_level"]
    assert [term.code for term in levels.terms] == [
        "information",
        "consultation",
        "concertation",
        "co_construction",
        "codecision",
        "coproduction",
    ]


def test_phases_go_from_diagnosis_to_the_professionals_withdrawal() -> None:
    (phases,) = [scheme for scheme in read_referential() if scheme.code == "phase"]
    assert [term.code for term in phases.terms] == [
        "reperage_et_diagnostic",
        "mobilisation",
        "co_construction_du_projet",
        "mise_en_oeuvre",
        "evaluation",
        "capitalisation",
        "retrait_et_passage_de_relais",
    ]


def test_the_participation_ladder_goes_from_observer_to_association() -> None:
    (ladder,) = [scheme for scheme in read_referential() if scheme.code == "participation_ladder"]
    assert [term.code for term in ladder.terms] == [
        "observateur",
        "participant",
        "co_animateur",
        "comite_d_usagers",
        "association",
    ]


def test_forms_of_collective_intervention_carry_their_sub_types() -> None:
    (forms,) = [scheme for scheme in read_referential() if scheme.code == "isic_form"]
    narrower: dict[str | None, set[str]] = {}
    for term in forms.terms:
        narrower.setdefault(term.broader, set()).add(term.code)
    assert {
        "travail_social_de_groupe",
        "travail_social_communautaire",
        "intervention_de_reseau",
        "education_populaire",
        "developpement_social_local",
        "autre_action_collective",
    } == narrower[None]
    assert narrower["travail_social_de_groupe"] == {
        "groupe_de_socialisation",
        "groupe_d_interet",
        "groupe_de_solidarite",
    }
    assert narrower["travail_social_communautaire"] == {
        "communaute_geographique",
        "communaute_d_interets",
        "communaute_d_identite",
        "strategie_consensuelle",
        "strategie_conflictuelle",
        "strategie_de_conscientisation",
    }
    assert narrower["intervention_de_reseau"] == {
        "pratique_de_pairage",
        "pratique_de_groupe_en_reseau",
        "pratique_de_reseau_primaire",
    }


def test_the_methods_named_by_the_report_are_there(schemes: dict[str, dict[str, object]]) -> None:
    assert {
        "developpement_du_pouvoir_d_agir",
        "community_organizing",
        "croisement_des_savoirs",
        "conference_familiale",
        "clinique_de_concertation",
        "abaque_de_regnier",
        "theatre_forum",
    } <= set(schemes["method"])


def test_the_questionnaire_sectors_and_scales_are_there(
    schemes: dict[str, dict[str, object]],
) -> None:
    assert {
        "handicap",
        "hebergement_logement",
        "insertion",
        "enfance",
        "personnes_agees",
        "generaliste",
    } <= set(schemes["sector"])
    scales = list(schemes["scale"])
    assert (scales[0], scales[-1]) == ("quartier", "national")
    assert {"commune", "intercommunalite", "bassin_de_vie", "departement", "region"} <= set(
        schemes["scale"]
    )


def test_the_concepts_include_the_report_s_definition_of_social_development(
    schemes: dict[str, dict[str, object]],
) -> None:
    assert {
        "developpement_social",
        "travail_social_collectif",
        "pratique_inspirante",
        "diagnostic_partage",
    } <= set(schemes["concept"])
