"""Tablets shipped and doses taken are counted per plan version (issue 11, item 3): a new
version (titration, maintenance) starts its own count, shipments are recorded against the
version in force, and a shipment reversed in the controlled-substance log no longer counts."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketacare.athome.models import TabletShipment
from ketacare.athome.shipments import count_of, earlier_counts, supply_of
from ketacare.controlled.models import Entry, StockLot
from ketacare.treatment.models import TreatmentPlan
from tests.at_home import at_home_plan
from tests.web.test_at_home import dosed

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world, client_as):  # type: ignore[no-untyped-def]
    return at_home_plan(client_as(world.users_a["prescriber"]), world.patient_a)


def _lot(client):  # type: ignore[no-untyped-def]
    receipt = {"product": "ketamine_tablet", "lot": "T-1", "expires_on": "2030-01-01",
               "quantity": "60", "supplier": "Pharmacy"}  # fmt: skip
    client.post("/api/controlled/receipts", json.dumps(receipt), content_type="application/json")
    return StockLot.objects.get(lot="T-1")


def _ship(client, world, lot, sessions: int):  # type: ignore[no-untyped-def]
    url = reverse("athome-patient", args=[world.patient_a.public_id])
    return client.post(url, {"lot_id": str(lot.public_id), "tablets": str(2 * sessions),
                             "sessions": str(sessions)})  # fmt: skip


def _revise(client, plan, body):  # type: ignore[no-untyped-def]
    response = client.post(f"/api/plans/{plan.public_id}/versions", json.dumps(body),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content.decode()
    return TreatmentPlan.objects.get(public_id=response.json()["id"])


def test_a_titration_starts_its_own_count_of_tablets_shipped_and_taken(world, client_as, plan):
    nurse = client_as(world.users_a["nurse"])
    lot = _lot(nurse)
    assert _ship(nurse, world, lot, 2).status_code == 302
    first = supply_of(world.patient_a)
    dosed(world, client_as)  # the first session's dose, taken under version 1
    taken_in_v1 = count_of(plan)
    assert (taken_in_v1.version, taken_in_v1.shipped, taken_in_v1.taken) == (1, 2, 1)

    prescriber = client_as(world.users_a["prescriber"])
    v2 = _revise(prescriber, plan, {"kind": "titrate", "reason": "tolerated well",
                                    "dose_mg": 250})  # fmt: skip
    now = supply_of(world.patient_a)
    assert now is not None and first is not None
    # The session done under version 1 is version 1's; version 2 plans the rest.
    assert (now.version, now.shipped, now.taken) == (2, 0, 0)
    assert now.planned == first.planned - 1
    assert earlier_counts(v2) == [taken_in_v1]

    nurse = client_as(world.users_a["nurse"])
    too_many = _ship(nurse, world, lot, now.planned + 1)
    assert too_many.status_code == 422
    assert f"at most {now.planned} more" in too_many.content.decode()
    assert _ship(nurse, world, lot, now.planned).status_code == 302
    shipment = TabletShipment.objects.latest("shipped_at")
    assert shipment.plan == v2
    assert shipment.entry.reason == "at-home plan version 2"  # the log names the version
    page = nurse.get(reverse("athome-patient", args=[world.patient_a.public_id])).content.decode()
    assert f'data-testid="sessions-shipped">{now.planned}<' in page
    assert 'data-testid="sessions-taken">0<' in page
    assert 'data-testid="athome-earlier-versions"' in page and "version 1" in page


def test_a_move_to_maintenance_counts_only_its_maintenance_session(world, client_as, plan):
    nurse = client_as(world.users_a["nurse"])
    _ship(nurse, world, _lot(nurse), 3)
    on = (timezone.localdate() + timedelta(days=30)).isoformat()
    v2 = _revise(client_as(world.users_a["prescriber"]), plan,
                 {"kind": "maintenance", "reason": "remission", "on": on})  # fmt: skip
    supply = supply_of(world.patient_a)
    assert supply is not None and (supply.version, supply.planned, supply.shipped) == (2, 1, 0)
    assert [c.shipped for c in earlier_counts(v2)] == [3]  # left over at the patient's home


def test_a_shipment_reversed_in_the_log_no_longer_counts(world, client_as, plan):
    nurse = client_as(world.users_a["nurse"])
    lot = _lot(nurse)
    _ship(nurse, world, lot, 2)
    supply = supply_of(world.patient_a)
    assert supply is not None and supply.shipped == 2
    entry = Entry.objects.get(kind="shipment")
    reversed_ = nurse.post(f"/api/controlled/entries/{entry.public_id}/reverse",
                           json.dumps({"reason": "entered for the wrong patient"}),
                           content_type="application/json")  # fmt: skip
    assert reversed_.status_code == 201
    after = supply_of(world.patient_a)
    assert after is not None and after.shipped == 0
    assert _ship(nurse, world, lot, supply.planned).status_code == 302  # the whole plan again
    page = nurse.get(reverse("athome-patient", args=[world.patient_a.public_id])).content.decode()
    assert "reversed in the log" in page
