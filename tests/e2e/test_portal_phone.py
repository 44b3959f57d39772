"""The patient's side on a phone (390x844): a questionnaire by its one-time link, a PHQ-9
item 9 answer that shows crisis resources at once while the clinic's Today page shows the
alert, a message to the care team with an attachment (a refused one first), answered, and a
message the nurse starts from the chart, which the patient answers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def clinic(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    """One clinic, a user per role, and Alice, who has a portal login and an email."""
    from tests.conftest import make_clinic_world

    settings.MESSAGE_ATTACHMENTS_DIR = str(tmp_path / "attachments")
    clinic, users, patient = make_clinic_world("a", "Alice")
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    users["patient"].email = "alice@example.org"
    users["patient"].save()
    return clinic, users, patient


def _schedule_phq9(clinic, users, patient):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from ketacare.questionnaires import services
    from tests.conftest import actor_for

    nurse = actor_for(users["nurse"], clinic, "nurse")
    entry = services.ScheduleEntry("phq9", 7, services.clinic_today(clinic))
    services.start_schedule(nurse, patient.public_id, entry)
    return timezone.now()


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _charts_drawn(page: Page) -> None:
    """Every chart drawn, none broken. The test's in-memory SQLite shares one connection
    between the live server's threads, so charts fetched at once can fail ("table is
    locked"; PostgreSQL and a file database do not): a broken one is fetched again, alone."""
    page.wait_for_load_state("load")  # every image has loaded or failed
    for n, chart in enumerate(page.locator("img.chart").all()):
        if chart.evaluate("img => img.naturalWidth") == 0:
            chart.evaluate("(img, n) => { img.src = img.src.split('?')[0] + '?again=' + n }", n)
        expect(chart).not_to_have_js_property("naturalWidth", 0, timeout=30_000)


def _answer(page: Page, answers: dict[int, int]) -> None:
    for item, value in answers.items():
        page.locator(f'input[name="item_{item}"][value="{value}"]').check()


def test_a_patient_answers_a_questionnaire_by_its_one_time_link(
    page: Page, live_server, clinic, shots
):
    from ketacare.questionnaires import services
    from ketacare.questionnaires.models import DueQuestionnaire

    _schedule_phq9(*clinic)
    services.send_reminder_now(DueQuestionnaire.objects.get().pk, 1)
    path = re.search(r"/q/[\w-]+/", mail.outbox[-1].body)[0]  # type: ignore[index]
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)  # no login: the link stands in for it
    expect(page.get_by_role("heading", name="PHQ-9")).to_be_visible()
    _answer(page, dict.fromkeys(range(1, 9), 1))  # item 9 left out
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator('[data-field="item_9"]')).to_be_visible()
    expect(page.locator('input[name="item_3"][value="1"]')).to_be_checked()  # kept
    _fits(page)
    page.screenshot(path=str(shots / "portal-questionnaire-link-phone.png"), full_page=True)
    _answer(page, {9: 0})
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_test_id("link-thanks")).to_contain_text("PHQ-9 answers have reached")
    expect(page.get_by_test_id("crisis-resources")).to_have_count(0)
    page.goto(live_server.url + path)  # used: tells nothing more
    expect(page.get_by_role("heading", name="PHQ-9")).to_have_count(0)


def test_item_9_above_0_shows_crisis_resources_and_the_clinic_sees_the_alert(
    page: Page, browser: Browser, live_server, clinic, shots
):
    _, users, patient = clinic
    _schedule_phq9(*clinic)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    expect(page.get_by_test_id("portal-home")).to_be_visible()
    expect(page.get_by_test_id("portal-crisis-notice")).to_contain_text("988")
    page.get_by_role("link", name="Fill in the PHQ-9").click()
    _answer(page, {**dict.fromkeys(range(1, 9), 0), 9: 1})
    page.get_by_role("button", name=re.compile("PHQ-9")).click()
    crisis = page.get_by_test_id("crisis-resources")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")
    expect(crisis).to_contain_text("911")
    _fits(page)
    page.screenshot(path=str(shots / "portal-crisis-phone.png"), full_page=True)

    staff = browser.new_context(viewport={"width": 1280, "height": 800})
    desk = staff.new_page()
    log_in(desk, live_server.url, users["prescriber"].email, PASSWORD)
    alerts = desk.get_by_test_id("today-alerts")
    expect(alerts).to_contain_text(patient.full_name)
    staff.close()


def test_a_message_with_an_attachment_is_answered_by_the_care_team(
    page: Page, browser: Browser, live_server, clinic, shots, tmp_path
):
    _, users, patient = clinic
    fake = tmp_path / "scan.pdf"
    fake.write_text("#!/bin/sh\necho not a pdf\n")
    photo = tmp_path / "rash.png"
    photo.write_bytes(PNG)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    page.get_by_role("link", name="Write to your care team").first.click()
    page.get_by_label("Subject").fill("Rash after session")
    page.get_by_label("Your message").fill("A red rash on my arm since yesterday.")
    page.get_by_label("Attach a file").set_input_files(str(fake))
    page.get_by_role("button", name="Send").click()
    expect(page.locator('[data-field="attachment"]')).to_contain_text("Only a PDF, PNG or JPEG")
    expect(page.get_by_label("Your message")).to_have_value("A red rash on my arm since yesterday.")
    expect(page.get_by_label("Subject")).to_have_value("Rash after session")
    _fits(page)
    page.get_by_label("Attach a file").set_input_files(str(photo))
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("thread-subject")).to_have_text("Rash after session")
    expect(page.get_by_test_id("attachment")).to_have_text("rash.png")

    staff = browser.new_context(viewport={"width": 1280, "height": 800})
    nurse = staff.new_page()
    log_in(nurse, live_server.url, users["nurse"].email, PASSWORD)
    nurse.get_by_test_id("messages-link").click()
    expect(nurse.get_by_test_id("thread-unread")).to_have_text("1 new")
    nurse.get_by_role("link", name="Rash after session").click()
    with nurse.expect_download() as download:
        nurse.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "rash.png"
    nurse.get_by_label("Your message").fill("Please send a photo tomorrow; call if it spreads.")
    nurse.get_by_role("button", name="Send").click()
    expect(nurse.locator(".messages")).to_contain_text("Message sent")
    staff.close()

    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_test_id("portal-unread")).to_have_text("1 new message")
    _fits(page)
    page.get_by_role("link", name="Rash after session").click()
    expect(page.get_by_test_id("messages")).to_contain_text("call if it spreads")
    _fits(page)
    page.screenshot(path=str(shots / "portal-messages-phone.png"), full_page=True)


def test_the_nurse_writes_to_the_patient_from_the_chart_and_the_patient_replies(
    page: Page, browser: Browser, live_server, clinic, shots
):
    """Both on a phone: the nurse starts a thread from the chart (a missing subject first,
    the text kept), the patient finds it marked new in the portal and replies."""
    _, users, patient = clinic
    staff = browser.new_context(viewport=PHONE)
    nurse = staff.new_page()
    log_in(nurse, live_server.url, users["nurse"].email, PASSWORD)
    nurse.goto(f"{live_server.url}/patients/{patient.public_id}/")
    nurse.get_by_test_id("chart-messages").get_by_role("link", name="Message the patient").click()
    expect(nurse.get_by_role("heading", name=f"Message {patient.full_name}")).to_be_visible()
    reminder = "Your integration session is on Thursday at 4 pm. Bring your journal."
    nurse.get_by_label("Your message").fill(reminder)
    nurse.get_by_role("button", name="Send").click()
    expect(nurse.locator('[data-field="subject"]')).to_be_visible()
    expect(nurse.get_by_label("Your message")).to_have_value(reminder)
    _fits(nurse)
    nurse.screenshot(path=str(shots / "message-to-patient-phone.png"), full_page=True)
    nurse.get_by_label("Subject").fill("Integration session on Thursday")
    nurse.get_by_role("button", name="Send").click()
    expect(nurse.locator(".messages")).to_contain_text(f"Sent to {patient.full_name}")
    expect(nurse.get_by_test_id("thread-subject")).to_have_text("Integration session on Thursday")
    _fits(nurse)

    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    expect(page.get_by_test_id("portal-unread")).to_have_text("1 new message")
    page.get_by_role("link", name="Integration session on Thursday").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Bring your journal.")
    page.get_by_label("Your message").fill("Thank you, I will be there.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("message")).to_have_count(2)
    expect(page.get_by_test_id("messages")).to_contain_text("I will be there.")
    _fits(page)
    page.screenshot(path=str(shots / "message-from-team-phone.png"), full_page=True)

    nurse.goto(f"{live_server.url}/messages/")
    expect(nurse.get_by_test_id("thread-unread")).to_have_text("1 new")
    staff.close()


def test_the_message_the_patient_page_on_a_desktop(page: Page, live_server, clinic, shots):
    _, users, patient = clinic
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server.url, users["nurse"].email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    expect(page.get_by_test_id("chart-messages")).to_contain_text("No messages yet.")
    page.get_by_role("link", name="Message the patient").click()
    expect(page.get_by_label("Subject")).to_be_visible()
    page.screenshot(path=str(shots / "message-to-patient-desktop.png"), full_page=True)


def test_the_portal_home_fits_a_phone_with_plan_scores_and_whats_next(
    page: Page, live_server, clinic, shots
):
    """The README's picture: a signed plan, weeks of scores, a booking, a questionnaire due."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from ketacare.appointments import services as appointments
    from ketacare.treatment.services import plans, versions
    from tests.conftest import actor_for
    from tests.history import add_history

    the_clinic, users, patient = clinic
    add_history(patient, users["nurse"], 42)
    prescriber = actor_for(users["prescriber"], the_clinic, "prescriber")
    start = timezone.localdate() + timedelta(days=2)
    plan = plans.create_plan(prescriber, patient.public_id, plans.NewPlan("iv-induction", start))
    versions.sign_plan(prescriber, plan.public_id)
    desk = actor_for(users["front_desk"], the_clinic, "front_desk")
    when = timezone.localtime(timezone=ZoneInfo(the_clinic.time_zone)) + timedelta(days=1)
    appointments.book(desk, patient.public_id, appointments.Booking(
        "consultation", when.replace(hour=10, minute=0, second=0, microsecond=0), 30
    ))  # fmt: skip
    _schedule_phq9(*clinic)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, users["patient"].email, PASSWORD)
    expect(page.get_by_test_id("plan-next")).to_contain_text("Treatment session 1 of 6")
    expect(page.get_by_test_id("portal-scale-phq9").locator("img.chart")).to_be_visible()
    expect(page.get_by_test_id("questionnaires-due")).to_contain_text("PHQ-9")
    expect(page.get_by_test_id("portal-upcoming")).to_contain_text("Consultation")
    _charts_drawn(page)
    _fits(page)
    page.screenshot(path=str(shots / "portal-home-phone.png"), full_page=True)
