"""A flood of contributions arriving at the same moment from one client: the quota holds, for
real (threads, one database connection each). PostgreSQL only (the SQLite test database lives in
one connection)."""

from __future__ import annotations

import pytest
from django.db import connection

from maillage.diagnostics import quota
from maillage.diagnostics.models import Contribution, ContributionQuota
from maillage.diagnostics.operations.contributions import submit_public_contribution
from tests.actions.test_sessions_concurrency import _at_once
from tests.diagnostics.factories import open_diagnosis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs real connections (PostgreSQL)"
    ),
]


def test_simultaneous_requests_do_not_pass_the_limit_together() -> None:
    diagnosis = open_diagnosis()
    limit = quota.WINDOWS[0].limit

    def send() -> str:
        try:
            submit_public_contribution(
                token=diagnosis.public_token,
                client_address="192.0.2.10",
                kind="need",
                contributor_kind="inhabitant",
                text="Un besoin de plus, envoyé en même temps que les autres.",
            )
        except quota.QuotaExceeded:
            return "refused"
        return "sent"

    outcomes = _at_once([send] * (limit + 3))
    assert outcomes.count("sent") == limit
    assert outcomes.count("refused") == 3
    assert Contribution.objects.count() == limit
    assert sorted(ContributionQuota.objects.values_list("count", flat=True)) == [limit, limit]
