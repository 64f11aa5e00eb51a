"""A small, valid data file to test the loader against, independent of the real content."""

from __future__ import annotations

from typing import Any


def small_referential() -> dict[str, Any]:
    return {
        "schemes": [
            {
                "code": "isic_form",
                "label": "Formes d'intervention collective",
                "definition": "Les modèles d'intervention.",
                "source": "L621–687",
                "terms": [
                    {
                        "code": "travail_social_de_groupe",
                        "label": "Travail social de groupe",
                        "definition": "Le groupe comme support.",
                        "alt_labels": ["TSG"],
                        "source": "L640",
                    },
                    {
                        "code": "groupe_d_interet",
                        "label": "Groupe d'intérêt",
                        "definition": "Des buts communs.",
                        "broader": "travail_social_de_groupe",
                    },
                ],
            },
            {
                "code": "phase",
                "label": "Phases",
                "definition": "Les étapes d'une action.",
                "terms": [
                    {"code": "evaluation", "label": "Évaluation", "definition": "Apprécier."}
                ],
            },
        ]
    }
