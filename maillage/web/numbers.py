"""Numbers as a French reader expects them: « 14,5 », « 12 345 ».

Django's `number_format` cuts a float's decimals instead of rounding them (14,4886 shows as
« 14,4 »): every figure shown with a fixed number of decimals goes through `french_number`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def french_number(value: float | Decimal | int, decimals: int = 0) -> str:
    """`value` rounded half up to `decimals` places, with the locale's separators and grouping."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimals, use_l10n=True, force_grouping=True)
