from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from maillage.web.numbers import french_number


def test_figures_are_rounded_not_cut():
    with translation.override("fr"):
        assert french_number(14.4886, 1) == "14,5"
        assert french_number(2.96, 1) == "3,0"
        assert french_number(Decimal("0.25"), 1) == "0,3"


def test_thousands_are_grouped():
    with translation.override("fr"):
        assert french_number(12345.678, 0) == "12\xa0346"
