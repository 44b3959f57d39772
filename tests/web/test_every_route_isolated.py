"""Every URL that names an object, found by walking the URL configuration (pages and API):
a user of clinic A gets 404 for clinic B's object, whatever the method and role.

A new route whose parameter is not in OBJECT_OF_CLINIC_B fails this test until it is added,
so no route escapes the check.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import ROLES

pytestmark = pytest.mark.django_db
# One body that every API write accepts (extra fields are ignored by the schemas).
API_BODY = {"note": "x", "instrument": "phq9", "answers": [0] * 9}
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


@pytest.fixture
def clinic_b_objects(world, client_as):  # type: ignore[no-untyped-def]
    """One object of each kind in clinic B, made through the real pages and API."""
    from ketacare.accounts.models import ApiToken, Invitation, User
    from ketacare.measures.models import SafetyAlert, ScaleResponse
    from ketacare.screening.models import Screening
    from ketacare.sessions.models import DosingSession
    from ketacare.treatment.models import TreatmentPlan

    b = world.patient_b.public_id
    nurse = client_as(world.users_b["nurse"])
    nurse.post(
        f"/api/patients/{b}/scales",
        json.dumps({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}),
        content_type="application/json",
    )
    nurse.post(
        f"/patients/{b}/screening/",
        {
            "diagnoses": ["major depressive disorder"],
            "failed_adequate_antidepressant_trials": "2",
            "systolic_mmhg": "120",
            "diastolic_mmhg": "80",
            "hepatic_impairment": "none",
        },
    )
    # The PHQ-9 above opened a suicidality alert: only a prescriber doses past it, with a note.
    client_as(world.users_b["prescriber"]).post(
        f"/patients/{b}/sessions/new/",
        {
            "route": "iv",
            "dose_mg_per_kg": "0.5",
            "infusion_minutes": "40",
            "systolic_mmhg": "120",
            "diastolic_mmhg": "80",
            "spo2_percent": "98",
            "pregnancy": "not pregnant",
            "review_note": "item 9 reviewed, safety plan in place",
        },
    )
    client_as(world.users_b["prescriber"]).post(
        f"/patients/{b}/plans/new/",
        {"template": "iv-induction", "start_on": str(timezone.localdate() + timedelta(days=30))},
    )
    token, _ = ApiToken.issue(world.users_b["nurse"])
    outsider = User.objects.create_user("outsider@c.example", "an-outsiders-passphrase")
    client_as(world.users_b["clinic_admin"]).post(
        "/clinic/users/", {"email": outsider.email, "role": "nurse"}
    )
    return {
        "public_id": b,
        "patient_id": b,
        "response_id": ScaleResponse.objects.get(patient=world.patient_b).public_id,
        "alert_id": SafetyAlert.objects.get(patient=world.patient_b).public_id,
        "screening_id": Screening.objects.get(patient=world.patient_b).public_id,
        "session_id": DosingSession.objects.get(patient=world.patient_b).public_id,
        "user_id": world.users_b["nurse"].pk,
        "token_id": token.pk,
        "invitation_id": Invitation.objects.get(clinic=world.clinic_b).public_id,
        "plan_id": TreatmentPlan.objects.get(patient=world.patient_b).public_id,
        "instrument": "phq9",  # not an object: any valid value
        # A password reset link for clinic B's nurse, with a token nobody issued.
        "uidb64": urlsafe_base64_encode(force_bytes(world.users_b["nurse"].pk)),
        "token": "cz0a9a-0123456789abcdef0123456789abcdef",
    }


def object_routes(objects):  # type: ignore[no-untyped-def]
    routes = sorted({route for route in walk(get_resolver().url_patterns) if "<" in route})
    for route in routes:
        names = [m["name"] for m in PARAM.finditer(route)]
        missing = [n for n in names if n not in objects]
        assert not missing, f"route {route!r}: add {missing} to clinic_b_objects"
        yield "/" + PARAM.sub(lambda m: str(objects[m["name"]]), route)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_reaches_an_object_of_another_clinic(world, client_as, clinic_b_objects, role):
    client = client_as(world.users_a[role])
    checked = 0
    for url in object_routes(clinic_b_objects):
        if url.startswith("/api/"):  # valid bodies, so the request reaches the gate
            post = client.post(url, json.dumps(API_BODY), content_type="application/json")
        else:
            post = client.post(url, {"note": "x", "reason": "x", "active": "0"})
        patch = client.patch(url, json.dumps({"first_name": "X"}), content_type="application/json")
        for method, response in (("GET", client.get(url)), ("POST", post), ("PATCH", patch)):
            # 404: out of reach. 405: the route does not take this method at all, so nothing
            # about the object is revealed. Anything else would be a leak.
            assert response.status_code in (404, 405), f"{method} {url} as {role}"
        checked += 1
    assert checked >= 20
