"""A prescriber opens every page of a patient with two years of care in the browser: each
answers, and every chart image on it loads (issue 9, item 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_year_record(transactional_db):  # type: ignore[no-untyped-def]
    from tests.conftest import make_clinic_world
    from tests.history import add_history
    from tests.tasks import run_background_tasks

    clinic, users, patient = make_clinic_world("long", "Lena")
    users["prescriber"].set_password(PASSWORD)
    users["prescriber"].save()
    add_history(patient, users["nurse"], 730)
    from ketacare.treatment.services.forecast import request_forecast

    request_forecast(patient)
    run_background_tasks()
    return users["prescriber"], patient


def test_every_page_of_a_two_year_record_opens_with_its_charts(
    page: Page, live_server, two_year_record, shots
):
    from types import SimpleNamespace

    from tests.web.test_long_record import patient_pages

    prescriber, patient = two_year_record
    log_in(page, live_server.url, prescriber.email, PASSWORD)
    world = SimpleNamespace(patient_a=patient)
    # The in-memory SQLite test database refuses a second writer at once ("table is
    # locked"), and each chart is an audited read: fetch the chart images one at a time.
    page.route(
        "**/*.svg",
        lambda route: (
            route.abort() if route.request.resource_type == "image" else route.continue_()
        ),
    )
    for path in patient_pages(world):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        sources = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.src)")
        for src in sources:
            if src.startswith("data:"):
                assert src.startswith("data:image/svg+xml;base64,"), path
                continue
            image = page.request.get(src)
            assert image.status == 200 and b"<svg" in image.body(), (path, src)
    page.unroute("**/*.svg")
    page.goto(f"{live_server.url}/patients/{patient.public_id}/scales/")
    assert page.get_by_test_id("forecast").is_visible()
    page.screenshot(path=str(shots / "scales-two-years.png"), full_page=True)
