"""The esketamine REMS by page and API: enrollment before the first dose, the monitoring form
prefilled from the session and completed by staff, submitted within 7 days, the clinic's
list of forms due with its CSV, one form's PDF, and Today's count (S10, S11)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.consent.services import clinic_today
from ketacare.medications.models import Medication
from ketacare.rems import services
from ketacare.rems.export import safe_cell
from ketacare.rems.models import MonitoringForm, RemsEnrollment
from ketacare.sessions.models import DosingSession, VitalSignsReading
from tests.conftest import actor_for
from tests.web.test_dosing_sessions import start

pytestmark = pytest.mark.django_db

ESKETAMINE = {"route": "esketamine", "dose_mg": "56", "dose_mg_per_kg": "", "infusion_minutes": ""}
# What the session cannot know: typed on the session's form page.
ENTERED = {
    "monitoring_hcp_phone": "(555) 010-4000",
    "setting_address": "1 Main St, Albany NY 12207",
    "lot_number": "ESK-0925",
    "ready_to_leave_minutes": "90",
    "dissociation": "yes",
    "respiratory_depression": "no",
    "serious_adverse_event": "no",
}


def today(world):  # type: ignore[no-untyped-def]
    """The clinic's date (New York), which is not the server's near midnight UTC."""
    return clinic_today(world.clinic_a)


def nurse(world):  # type: ignore[no-untyped-def]
    return actor_for(world.users_a["nurse"], world.clinic_a, "nurse")


def enroll(world, days_ago: int = 3):  # type: ignore[no-untyped-def]
    on = today(world) - timedelta(days=days_ago)
    return services.enroll(nurse(world), world.patient_a.public_id, on)


def esketamine_session(world, client_as):  # type: ignore[no-untyped-def]
    response = start(client_as(world.users_a["nurse"]), world.patient_a, **ESKETAMINE)
    assert response.status_code == 302, response.content.decode()[:3000]
    return DosingSession.objects.filter(patient=world.patient_a).latest("started_at")


def monitored(session, *, at_40=(152, 94), last=(128, 80), moaas=5):  # type: ignore[no-untyped-def]
    """Readings at 38, 45 and 125 min and a discharge at 130 min, as the run sheet records."""
    begin = timezone.now() - timedelta(minutes=140)
    DosingSession.objects.filter(pk=session.pk).update(started_at=begin)
    for minute, (sys, dia) in ((38, at_40), (45, (160, 99)), (125, last)):
        VitalSignsReading.objects.create(
            clinic=session.clinic, session=session, taken_at=begin + timedelta(minutes=minute),
            systolic_mmhg=sys, diastolic_mmhg=dia, spo2_percent=98, moaas=moaas,
        )  # fmt: skip
    DosingSession.objects.filter(pk=session.pk).update(
        status="discharged", discharged_at=begin + timedelta(minutes=130)
    )
    session.refresh_from_db()
    return session


def complete(world, client_as, session):  # type: ignore[no-untyped-def]
    response = client_as(world.users_a["nurse"]).post(
        reverse("session-rems", args=[session.public_id]), ENTERED
    )
    assert response.status_code == 302, response.content.decode()[:3000]


# -- enrollment ---------------------------------------------------------------------------


def test_a_first_esketamine_session_without_enrollment_is_refused_with_the_reason(world, client_as):
    client = client_as(world.users_a["nurse"])
    page = start(client, world.patient_a, **ESKETAMINE)
    html = page.content.decode()
    assert page.status_code == 422
    assert 'data-testid="rems-enrollment-missing"' in html and "not enrolled" in html
    api = client.post(
        f"/api/patients/{world.patient_a.public_id}/sessions",
        json.dumps({"route": "esketamine", "dose_mg": 56, "systolic_mmhg": 120,
                    "diastolic_mmhg": 80, "pregnancy": "not pregnant"}),
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 422 and "rems_enrollment" in api.content.decode()
    assert not DosingSession.objects.exists() and not MonitoringForm.objects.exists()


def test_an_iv_session_needs_no_enrollment_and_has_no_form(world, client_as):
    assert start(client_as(world.users_a["nurse"]), world.patient_a).status_code == 302
    assert DosingSession.objects.count() == 1 and not MonitoringForm.objects.exists()


def test_enrollment_by_page_records_the_date_and_who_and_is_audited(world, client_as):
    client = client_as(world.users_a["prescriber"])
    url = reverse("rems-enrollment", args=[world.patient_a.public_id])
    assert 'data-testid="rems-not-enrolled"' in client.get(url).content.decode()
    day = today(world) - timedelta(days=1)
    assert client.post(url, {"enrolled_on": day.isoformat()}).status_code == 302
    enrollment = RemsEnrollment.objects.get()
    assert (enrollment.enrolled_on, enrollment.enrolled_by) == (day, world.users_a["prescriber"])
    assert AuditEntry.objects.filter(action="create", object_type="rems_enrollment").exists()
    again = client.post(url, {"enrolled_on": day.isoformat()})
    assert again.status_code == 422 and "already enrolled" in again.content.decode()


def test_enrollment_in_the_future_is_refused_by_page_and_api_naming_the_field(world, client_as):
    client = client_as(world.users_a["nurse"])
    tomorrow = (today(world) + timedelta(days=1)).isoformat()
    url = reverse("rems-enrollment", args=[world.patient_a.public_id])
    page = client.post(url, {"enrolled_on": tomorrow})
    assert page.status_code == 422 and 'data-field="enrolled_on"' in page.content.decode()
    api = client.post(
        f"/api/patients/{world.patient_a.public_id}/rems/enrollment",
        json.dumps({"enrolled_on": tomorrow}),
        content_type="application/json",
    )
    assert api.status_code == 422 and "enrolled_on" in api.content.decode()
    assert not RemsEnrollment.objects.exists()


def test_enrollment_by_api_and_read_back(world, client_as):
    client = client_as(world.users_a["nurse"])
    url = f"/api/patients/{world.patient_a.public_id}/rems/enrollment"
    assert client.get(url).json()["enrolled"] is False
    assert client.post(url, "{}", content_type="application/json").status_code == 201
    body = client.get(url).json()
    assert body["enrolled"] and body["enrolled_on"] == today(world).isoformat()
    assert body["enrolled_by"] == "nurse a"


@pytest.mark.parametrize("role", ["front_desk", "therapist", "clinic_admin"])
def test_roles_without_the_rems_may_not_enroll_nor_see_the_forms(world, client_as, role):
    client = client_as(world.users_a[role])
    url = reverse("rems-enrollment", args=[world.patient_a.public_id])
    assert client.post(url, {"enrolled_on": today(world).isoformat()}).status_code == 403
    assert client.get(reverse("rems-due")).status_code == 403
    assert not RemsEnrollment.objects.exists()


# -- one session's form ---------------------------------------------------------------------


def test_sessions_of_an_enrolled_patient_open_forms_due_in_7_days_the_first_marked(
    world, client_as
):
    enroll(world)
    first = monitored(esketamine_session(world, client_as))
    second = esketamine_session(world, client_as)
    forms = {f.session_id: f for f in MonitoringForm.objects.all()}
    assert forms[first.pk].first_treatment and not forms[second.pk].first_treatment
    assert forms[second.pk].due_on == today(world) + timedelta(days=7)


def test_the_form_is_prefilled_from_the_session_the_medicines_and_the_clinic(world, client_as):
    enroll(world)
    Medication.objects.create(clinic=world.clinic_a, patient=world.patient_a,
                              name="clonazepam", medicine_class="benzodiazepine")  # fmt: skip
    Medication.objects.create(clinic=world.clinic_a, patient=world.patient_a, name="tramadol",
                              medicine_class="opioid",
                              stopped_on=today(world) - timedelta(days=30))  # fmt: skip
    session = monitored(esketamine_session(world, client_as))
    values = services.values_of(nurse(world), MonitoringForm.objects.get()).values
    assert values["bp_predose"] == "124/78"
    assert values["bp_40_min"] == "152/94"  # 38 min is nearer 40 than 45 min
    assert values["bp_predischarge"] == "128/80"
    assert (values["dose_mg"], values["total_minutes"]) == (56.0, 130)
    assert values["benzodiazepines"] is True and values["opioids"] is False  # stopped
    assert values["maois"] is False and values["sedation"] is False  # every MOAA/S was 5
    assert values["monitoring_hcp"] == "nurse a" and values["setting_name"] == "Clinic A"
    assert values["first_treatment"] is True and values["enrolled"] is True
    assert values["patient_name"] == "Alice Test" and session.route == "esketamine"


def test_missing_fields_block_until_staff_enter_them_on_the_session_page(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    missing = {f.key for f in services.missing_fields(nurse(world), session)}
    # a discharged session with no serious adverse event on its run sheet answers that one
    assert missing == set(ENTERED) - {"serious_adverse_event"}
    page = client_as(world.users_a["nurse"]).get(reverse("session-rems", args=[session.public_id]))
    assert (
        page.status_code == 200 and page.content.decode().count('data-testid="rems-missing"') == 6
    )
    complete(world, client_as, session)
    assert services.missing_fields(nurse(world), session) == ()
    form = MonitoringForm.objects.get()
    assert "bp_predose" not in form.answers  # the record's value stays the record's
    assert form.answers["lot_number"] == "ESK-0925" and form.answers["dissociation"] is True


def test_an_iv_session_has_no_missing_rems_fields_and_its_page_says_why(world, client_as):
    client = client_as(world.users_a["nurse"])
    start(client, world.patient_a)
    session = DosingSession.objects.get()
    assert services.missing_fields(nurse(world), session) == ()
    page = client.get(reverse("session-rems", args=[session.public_id]))
    assert 'data-testid="rems-not-applicable"' in page.content.decode()
    assert client.get(reverse("session-rems-pdf", args=[session.public_id])).status_code == 422


def test_a_value_the_form_cannot_take_is_refused_naming_the_field(world, client_as):
    enroll(world)
    session = esketamine_session(world, client_as)
    client = client_as(world.users_a["nurse"])
    page = client.post(reverse("session-rems", args=[session.public_id]),
                       {"bp_40_min": "150-90", "lot_number": "L-2"})  # fmt: skip
    assert page.status_code == 422 and 'data-field="bp_40_min"' in page.content.decode()
    api = client.post(f"/api/sessions/{session.public_id}/rems",
                      json.dumps({"entered": {"total_minutes": "two hours"}}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and "total_minutes" in api.content.decode()
    assert MonitoringForm.objects.get().answers == {}  # nothing half-written


def test_the_form_by_api_lists_its_fields_and_what_is_missing(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    client = client_as(world.users_a["prescriber"])
    url = f"/api/sessions/{session.public_id}/rems"
    body = client.get(url).json()
    assert "lot_number" in body["missing"] and body["first_treatment"] is True
    answers = {"lot_number": "L-9", "sedation": True, "ready_to_leave_minutes": 80}
    body = client.post(url, json.dumps({"entered": answers}),
                       content_type="application/json").json()  # fmt: skip
    assert "lot_number" not in body["missing"]
    assert {f["key"]: f["value"] for f in body["fields"]}["sedation"] == "Yes"


# -- submission -----------------------------------------------------------------------------


def test_an_incomplete_form_cannot_be_marked_submitted(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    page = client_as(world.users_a["nurse"]).post(
        reverse("session-rems-submitted", args=[session.public_id]),
        {"submitted_on": today(world).isoformat(), "submitted_via": "online"},
    )
    assert page.status_code == 422 and "The form is missing: " in page.content.decode()
    assert MonitoringForm.objects.get().submitted_on is None


def test_a_complete_form_is_marked_submitted_with_date_how_and_who_then_frozen(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    complete(world, client_as, session)
    client = client_as(world.users_a["prescriber"])
    api = client.post(f"/api/sessions/{session.public_id}/rems/submitted",
                      json.dumps({"submitted_on": str(today(world)),
                                  "submitted_via": "fax"}),
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 200, api.content
    form = MonitoringForm.objects.get()
    assert (form.submitted_via, form.submitted_by) == ("fax", world.users_a["prescriber"])
    assert form.submitted_values["lot_number"] == "ESK-0925"
    assert form.submitted_values["bp_40_min"] == "152/94"
    assert AuditEntry.objects.filter(action="update", object_type="rems_form",
                                     detail__via="fax").exists()  # fmt: skip
    later = client.post(reverse("session-rems", args=[session.public_id]), {"lot_number": "X"})
    assert later.status_code == 422 and "not edited" in later.content.decode()
    again = client.post(f"/api/sessions/{session.public_id}/rems/submitted",
                        json.dumps({"submitted_on": str(today(world)),
                                    "submitted_via": "online"}),
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 422 and "submitted_on" in again.content.decode()


def test_a_submission_date_before_the_session_or_an_unknown_channel_is_refused(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    complete(world, client_as, session)
    client = client_as(world.users_a["nurse"])
    url = f"/api/sessions/{session.public_id}/rems/submitted"
    yesterday = str(today(world) - timedelta(days=1))
    early = client.post(url, json.dumps({"submitted_on": yesterday, "submitted_via": "online"}),
                        content_type="application/json")  # fmt: skip
    assert early.status_code == 422 and "submitted_on" in early.content.decode()
    post = client.post(url, json.dumps({"submitted_on": str(today(world)),
                                        "submitted_via": "pigeon"}),
                       content_type="application/json")  # fmt: skip
    assert post.status_code == 422 and "submitted_via" in post.content.decode()
    assert MonitoringForm.objects.get().submitted_on is None


# -- the clinic's list, its CSV, one PDF, Today ------------------------------------------


def sessions_days_ago(world, client_as, *days: int) -> list[MonitoringForm]:  # type: ignore[no-untyped-def]
    """One discharged esketamine session per age (days before today), forms dated to match."""
    forms = []
    for age in days:
        session = monitored(esketamine_session(world, client_as))
        day = today(world) - timedelta(days=age)
        MonitoringForm.objects.filter(session=session).update(
            treatment_date=day, due_on=day + timedelta(days=7)
        )
        forms.append(MonitoringForm.objects.get(session=session))
    return forms


def test_the_list_shows_overdue_forms_first_and_leaves_out_submitted_ones(world, client_as):
    enroll(world, days_ago=30)
    recent, overdue, submitted = sessions_days_ago(world, client_as, 1, 9, 2)
    MonitoringForm.objects.filter(pk=submitted.pk).update(submitted_on=today(world))
    page = client_as(world.users_a["nurse"]).get(reverse("rems-due"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="rems-row"') == 2
    assert html.index("Overdue") < html.index(str(recent.due_on))
    rows = [f for f, _ in services.due_forms(nurse(world))]
    assert rows == [overdue, recent]
    api = client_as(world.users_a["nurse"]).get("/api/rems/forms-due").json()
    assert [r["overdue"] for r in api["items"]] == [True, False] and api["count"] == 2


def test_the_list_costs_the_same_queries_for_one_form_or_five(
    world, client_as, django_assert_max_num_queries
):
    enroll(world, days_ago=30)
    sessions_days_ago(world, client_as, 1)
    from django.db import reset_queries

    client = client_as(world.users_a["nurse"])
    reset_queries()  # the log keeps 9,000 queries: the setup's would hide the page's
    with django_assert_max_num_queries(100) as one:
        client.get(reverse("rems-due"))
    queries_for_one = len(one)
    assert queries_for_one > 5
    sessions_days_ago(world, client_as, 2, 3, 4, 9)
    reset_queries()
    with django_assert_max_num_queries(queries_for_one):
        assert client.get(reverse("rems-due")).content.decode().count('data-testid="rems-row"') == 5


def test_the_csv_has_every_due_form_and_escapes_formulas(world, client_as):
    enroll(world, days_ago=30)
    sessions_days_ago(world, client_as, 1, 9)
    world.patient_a.first_name = "=HYPERLINK(evil)"
    world.patient_a.save()
    response = client_as(world.users_a["nurse"]).get(reverse("rems-due-csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Due on", "Missing", "Patient name"] and len(rows) == 3
    assert rows[1][2] == "'=HYPERLINK(evil) Test"
    assert [safe_cell(x) for x in ("+1", "-1", "@a", "ok")] == ["'+1", "'-1", "'@a", "ok"]


def test_one_session_s_form_downloads_as_a_pdf(world, client_as):
    enroll(world)
    session = monitored(esketamine_session(world, client_as))
    complete(world, client_as, session)
    response = client_as(world.users_a["nurse"]).get(
        reverse("session-rems-pdf", args=[session.public_id])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 1000


def test_today_counts_the_forms_due_and_overdue_and_links_to_the_list(world, client_as):
    enroll(world, days_ago=30)
    sessions_days_ago(world, client_as, 1, 9)
    html = client_as(world.users_a["nurse"]).get(reverse("today-panel")).content.decode()
    assert 'data-testid="today-rems"' in html and reverse("rems-due") in html
    assert "<strong>2</strong> esketamine monitoring forms" in html
    assert '<strong data-testid="today-rems-overdue">1 overdue</strong>' in html
    front_desk = client_as(world.users_a["front_desk"]).get(reverse("today-panel"))
    assert 'data-testid="today-rems"' not in front_desk.content.decode()


def test_the_chart_links_the_rems_enrollment_for_the_clinicians_only(world, client_as):
    link = reverse("rems-enrollment", args=[world.patient_a.public_id])
    chart = reverse("patient-chart", args=[world.patient_a.public_id])
    assert link in client_as(world.users_a["nurse"]).get(chart).content.decode()
    assert link not in client_as(world.users_a["front_desk"]).get(chart).content.decode()
