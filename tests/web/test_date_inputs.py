"""Date fields carry ISO values: the browser's date picker shows nothing for « 12/03/2026 »,
and saving the form then erased the date (it happened on the practice sheet's edit page)."""

from __future__ import annotations

import datetime

from django.utils import translation

from maillage.practices.forms import PracticeForm


def test_a_stored_date_is_shown_in_the_date_picker_in_french() -> None:
    with translation.override("fr"):
        html = str(PracticeForm(initial={"start_date": datetime.date(2026, 3, 12)})["start_date"])
    assert 'type="date"' in html
    assert 'value="2026-03-12"' in html
