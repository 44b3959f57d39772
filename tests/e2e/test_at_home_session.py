"""A patient runs an at-home session on a phone (390x844): a blood pressure above the hold
limit is refused with its reason, a reading in range goes on, the sitter misses a check-in
and the worker escalates it to the clinic's Today page, and the after-step completes it.
Time is moved by storing the dose time in the past (no waiting)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def at_home_world(transactional_db):  # type: ignore[no-untyped-def]
    from ketacare.treatment.services import plans, versions
    from tests.conftest import actor_for, make_clinic_world

    clinic, users, patient = make_clinic_world("home", "Hana")
    for role in ("patient", "nurse"):
        users[role].set_password(PASSWORD)
        users[role].save()
    from django.utils import timezone

    prescriber = actor_for(users["prescriber"], clinic, "prescriber")
    new = plans.NewPlan("at-home-odt", timezone.localdate(), dose_mg=200)
    plan = plans.create_plan(prescriber, patient.public_id, new)
    versions.sign_plan(prescriber, plan.public_id)
    return users, patient


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _checklist(page: Page) -> None:
    for label in ("I have not eaten", "My sitter is here", "I will not drive", "I have held"):
        page.get_by_label(label).check()
    page.get_by_label("Sitter's name").fill("Sam Sitter")
    page.get_by_label("Sitter's phone").fill("(555) 010-4000")
    page.get_by_role("button", name="Next").click()


def _mood(page: Page) -> None:
    page.get_by_label("How is your mood right now?").fill("6")
    page.get_by_label("Not at all").check()
    page.get_by_role("button", name="Next").click()


def _nurse_sees_flagged(browser, live_server, users, flag: str):  # type: ignore[no-untyped-def]
    """The nurse, on a phone of her own, finds the session flagged on Today."""
    clinic = browser.new_context(viewport={"width": 390, "height": 844})
    nurse = clinic.new_page()
    log_in(nurse, live_server.url, users["nurse"].email, PASSWORD)
    nurse.goto(f"{live_server.url}/today/")
    flagged = nurse.get_by_test_id("athome-flagged")
    expect(flagged).to_contain_text(flag)
    return clinic, nurse, flagged


def _reading(page: Page, top: str, bottom: str, pulse: str) -> None:
    page.get_by_label("Blood pressure, top number (mmHg)").fill(top)
    page.get_by_label("Blood pressure, bottom number (mmHg)").fill(bottom)
    page.get_by_label("Pulse (beats a minute)").fill(pulse)
    page.get_by_role("button", name="Check").or_(
        page.get_by_role("button", name="Measure again")
    ).click()


def test_a_patient_runs_an_at_home_session_on_a_phone(
    page: Page, live_server, at_home_world, browser, shots
):  # type: ignore[no-untyped-def]
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from ketacare.athome.models import AtHomeSession
    from tests.tasks import run_background_tasks

    users, patient = at_home_world
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    page.get_by_role("link", name="Today's at-home session").click()
    expect(page.get_by_test_id("athome-today")).to_contain_text("200 mg")
    _fits(page)
    page.screenshot(path=str(shots / "athome-start-phone.png"), full_page=True)
    page.get_by_test_id("athome-begin").click()

    _checklist(page)

    _reading(page, "186", "96", "80")  # above the hold limit 180/100 (K18)
    refusal = page.get_by_test_id("athome-decision")
    expect(refusal).to_contain_text("Do not take your dose now")
    expect(refusal).to_contain_text("above 180")
    _fits(page)
    page.screenshot(path=str(shots / "athome-bp-refused-phone.png"), full_page=True)

    _reading(page, "126", "80", "72")
    _mood(page)
    expect(page.get_by_test_id("athome-go")).to_be_visible()
    page.get_by_test_id("athome-dose").click()
    expect(page.get_by_test_id("athome-during")).to_be_visible()
    expect(page.get_by_test_id("athome-deadline")).to_be_visible()
    _fits(page)
    page.screenshot(path=str(shots / "athome-during-phone.png"), full_page=True)

    # The sitter lets 16 minutes pass without a check-in: the worker's task for the deadline
    # (H1: 15 min) records it, with no page open.
    session = AtHomeSession.objects.get(patient=patient)
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=16)
    )
    DBTaskResult.objects.update(run_after=timezone.now())
    assert run_background_tasks() >= 1

    clinic, nurse, flagged = _nurse_sees_flagged(browser, live_server, users, "check-in missed")
    expect(flagged).to_contain_text("Hana")
    nurse.screenshot(path=str(shots / "athome-today-missed-phone.png"), full_page=True)
    flagged.get_by_role("link", name="Hana Test").click()
    expect(nurse.get_by_test_id("athome-missed")).to_be_visible()
    expect(nurse.get_by_test_id("athome-readings")).to_contain_text("do not dose")
    _fits(nurse)
    nurse.get_by_role("link", name="all at-home sessions").click()
    expect(nurse.get_by_test_id("athome-sessions")).to_contain_text("check-in missed")
    _fits(nurse)
    clinic.close()

    page.reload()
    page.get_by_label("Seen, and all is well").check()
    page.get_by_test_id("athome-check-in").click()
    expect(page.get_by_test_id("athome-check-ins")).to_contain_text("Sam Sitter")
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=181)  # the sitter's 3 h are over (H1)
    )
    page.reload()
    page.get_by_test_id("athome-finish").click()

    page.get_by_label("Nausea").check()
    for number in (1, 2, 6, 7, 15, 22):
        page.locator(f"#id_cadss_{number}").fill("1")
    page.get_by_label("Better", exact=True).check()
    page.get_by_label("A note for your therapist").fill("Felt calm afterwards.")
    _fits(page)
    page.screenshot(path=str(shots / "athome-after-phone.png"), full_page=True)
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_test_id("athome-done")).to_be_visible()
    session.refresh_from_db()
    assert session.cadss6_total == 6 and session.missed_check_in and session.bp_out_of_range


def test_a_session_left_open_is_closed_by_the_worker_and_the_patient_still_answers_after(
    page: Page, live_server, at_home_world, browser, shots
):  # type: ignore[no-untyped-def]
    """The patient takes the dose and never ends the session in the app: once the sitter's
    3 h and one more check-in interval have passed (H1), the worker closes it; the portal
    offers the after-step questions and Today shows it flagged "not finished"."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from ketacare.athome.models import AtHomeSession
    from tests.tasks import run_background_tasks

    users, patient = at_home_world
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    page.get_by_role("link", name="Today's at-home session").click()
    page.get_by_test_id("athome-begin").click()
    _checklist(page)
    _reading(page, "126", "80", "72")
    _mood(page)
    page.get_by_test_id("athome-dose").click()
    expect(page.get_by_test_id("athome-during")).to_be_visible()

    session = AtHomeSession.objects.get(patient=patient)
    AtHomeSession.objects.filter(pk=session.pk).update(
        dosed_at=timezone.now() - timedelta(minutes=180 + 15 + 1)
    )
    DBTaskResult.objects.update(run_after=timezone.now())
    assert run_background_tasks() >= 1

    page.goto(f"{live_server.url}/portal/")
    closed = page.get_by_test_id("athome-closed")
    expect(closed).to_contain_text("Your dose counts as taken")
    _fits(page)
    page.screenshot(path=str(shots / "athome-closed-portal-phone.png"), full_page=True)
    page.get_by_test_id("athome-closed-answer").click()
    expect(page.get_by_test_id("athome-closed-after")).to_be_visible()
    for number in (1, 2, 6, 7, 15, 22):
        page.locator(f"#id_cadss_{number}").fill("0")
    page.get_by_label("The same", exact=True).check()
    _fits(page)
    page.get_by_role("button", name="Send to my care team").click()
    expect(page.get_by_test_id("athome-done")).to_be_visible()

    clinic, nurse, flagged = _nurse_sees_flagged(browser, live_server, users, "not finished")
    flagged.get_by_role("link", name="Hana Test").click()
    expect(nurse.get_by_test_id("athome-closed-unfinished")).to_be_visible()
    _fits(nurse)
    nurse.screenshot(path=str(shots / "athome-record-not-finished-phone.png"), full_page=True)
    clinic.close()
