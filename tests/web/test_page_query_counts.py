"""Every page of a patient makes as many queries with two years of history as with one
month (issue 9, item 9: the scales page made one more query per response)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.history import add_history
from tests.web.test_long_record import patient_pages

pytestmark = pytest.mark.django_db


def query_counts(client, urls):  # type: ignore[no-untyped-def]
    counts = {}
    for url in urls:
        client.get(url)  # first view: forecast queued, caches warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    return counts


def test_no_patient_page_makes_more_queries_as_the_record_grows(
    world, client_as, django_assert_max_num_queries
):
    client = client_as(world.users_a["prescriber"])
    add_history(world.patient_a, world.users_a["nurse"], 30)
    short = query_counts(client, patient_pages(world))
    add_history(world.patient_a, world.users_a["nurse"], 730)  # now two years on top
    # the same pages in the same order (the session and response pages: the latest ones)
    for (_, expected), url in zip(short.items(), patient_pages(world), strict=True):
        client.get(url)
        with django_assert_max_num_queries(expected, info=url):
            assert client.get(url).status_code == 200


def test_the_chart_reads_the_baseline_and_latest_of_each_scale_in_one_query(world):
    from ketacare.clinical import outcomes
    from ketacare.measures.models import ScaleResponse
    from ketacare.measures.progress import snapshots

    add_history(world.patient_a, world.users_a["nurse"], 400)
    responses = ScaleResponse.objects.filter(patient=world.patient_a, amended_by__isnull=True)
    with CaptureQueriesContext(connection) as ctx:
        shown = {s.instrument: s for s in snapshots(responses)}
    assert len(ctx.captured_queries) == 1
    assert set(shown) == {"phq9", "gad7", "madrs"}
    for key, snap in shown.items():
        rows = list(responses.filter(instrument=key).order_by("taken_at", "id"))
        assert (snap.baseline.pk, snap.latest.pk) == (rows[0].pk, rows[-1].pk)
        first, last = (outcomes.ScorePoint(r.taken_at.date(), r.total) for r in (rows[0], rows[-1]))
        full = outcomes.summarise(
            [outcomes.ScorePoint(r.taken_at.date(), r.total) for r in rows[1:]], first, key
        )
        assert snap.percent_change == full.latest_percent_change
        assert (snap.status, snap.in_remission) == (full.status, full.in_remission)
        assert last.total == full.latest_total
