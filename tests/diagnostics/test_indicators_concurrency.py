"""Two imports of one indicator at the same moment, for real (threads, one database connection
each): the national total counts the values of both. PostgreSQL only (the SQLite test database
lives in one connection)."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.operations import indicators as operations
from tests.actions.test_sessions_concurrency import _at_once
from tests.diagnostics.factories import IndicatorFactory
from tests.territories.factories import small_geography

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs real connections (PostgreSQL)"
    ),
]


def test_simultaneous_imports_of_one_indicator_keep_its_national_total(monkeypatch) -> None:
    small_geography()
    households = IndicatorFactory(code="menages")
    summing = operations._update_totals
    # Both imports have written their values and are about to sum them, unless the first one
    # keeps the second from writing until it commits: then the meeting is called off.
    meeting = threading.Barrier(2, timeout=2)

    def meet_then_sum(indicators):
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        summing(indicators)

    monkeypatch.setattr(operations, "_update_totals", meet_then_sum)

    def importing(text: str):
        def run():
            table = read_indicator_table(text.encode(), "valeurs.csv")
            return operations.import_indicator_values(
                actor=None, table=table, file_name="valeurs.csv"
            ).values_written

        return run

    written = _at_once(
        [importing("CODGEO;menages\n62041;20150\n"), importing("CODGEO;menages\n62263;2450\n")]
    )
    assert written == [1, 1]
    households.refresh_from_db()
    assert (households.national_total, households.national_count) == (22600, 2)
