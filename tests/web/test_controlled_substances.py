"""The controlled-substance log: receipts, draws for a session, witnessed waste, transfers,
adjustments and counts; a balance that never goes negative; entries never edited, only
reversed; each role and another clinic's users kept to what they may do."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.controlled import services
from ketacare.controlled.models import Entry, EntryKind, StockCount, StockLot
from tests.conftest import ROLES, actor_for

pytestmark = pytest.mark.django_db
EXPIRY = timezone.localdate() + timedelta(days=365)


def nurse(world):  # type: ignore[no-untyped-def]
    return actor_for(world.users_a["nurse"], world.clinic_a, "nurse")


def stocked(world, quantity: str = "500", product: str = "ketamine", lot: str = "K-1"):  # type: ignore[no-untyped-def]
    receipt = services.Receipt(product, lot, EXPIRY, Decimal(quantity), "Acme Pharma, inv 7")
    return services.receive(nurse(world), receipt).stock


def open_session(world, client_as, route: str = "iv"):  # type: ignore[no-untyped-def]
    from ketacare.sessions.models import DosingSession

    body = {"route": route, "dose_mg_per_kg": "0.5", "infusion_minutes": "40",
            "systolic_mmhg": "120", "diastolic_mmhg": "80", "spo2_percent": "98",
            "pregnancy": "not pregnant"}  # fmt: skip
    if route == "esketamine":
        del body["dose_mg_per_kg"], body["infusion_minutes"]
        body["dose_mg"] = "56"
        from ketacare.rems.services import enroll  # the REMS: enrolled before the first dose

        enroll(nurse(world), world.patient_a.public_id)  # on the clinic's today
    response = client_as(world.users_a["prescriber"]).post(
        reverse("session-new", args=[world.patient_a.public_id]), body
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return DosingSession.objects.get(patient=world.patient_a)


def test_a_receipt_creates_the_lot_and_its_balance_and_is_audited(world):
    stock = stocked(world)
    assert (stock.balance, stock.unit) == (Decimal("500"), "mg")
    entry = Entry.objects.get()
    assert (entry.kind, entry.change, entry.balance_after) == ("receipt", 500, 500)
    assert AuditEntry.objects.filter(object_type="controlled_entry",
                                     object_id=str(entry.public_id)).exists()  # fmt: skip
    stocked(world, "100")  # the same lot again adds to it
    stock.refresh_from_db()
    assert stock.balance == Decimal("600")


def test_a_second_receipt_of_a_lot_with_another_expiry_is_refused(world):
    stocked(world)
    other = services.Receipt("ketamine", "K-1", EXPIRY + timedelta(days=1), Decimal(5), "x")
    with pytest.raises(Exception, match="expiry"):
        services.receive(nurse(world), other)
    assert Entry.objects.count() == 1


def test_a_draw_for_a_session_is_linked_to_it_and_cannot_overdraw(world, client_as):
    stock = stocked(world, "50")
    session = open_session(world, client_as)
    entry = services.administer(nurse(world), session.public_id,
                                services.Withdrawal(stock.public_id, Decimal("35")))  # fmt: skip
    assert (entry.session, entry.change, entry.balance_after) == (session, -35, 15)
    with pytest.raises(Exception, match="Only 15 mg"):
        services.administer(nurse(world), session.public_id,
                            services.Withdrawal(stock.public_id, Decimal("20")))  # fmt: skip
    stock.refresh_from_db()
    assert stock.balance == 15 and Entry.objects.count() == 2


def test_an_esketamine_session_draws_whole_devices_from_an_esketamine_lot(world, client_as):
    ketamine = stocked(world)
    devices = stocked(world, "6", "esketamine", "E-1")
    session = open_session(world, client_as, "esketamine")
    with pytest.raises(Exception, match="choose a Esketamine"):
        services.administer(nurse(world), session.public_id,
                            services.Withdrawal(ketamine.public_id, Decimal(2)))  # fmt: skip
    with pytest.raises(Exception, match="whole devices"):
        services.administer(nurse(world), session.public_id,
                            services.Withdrawal(devices.public_id, Decimal("1.5")))  # fmt: skip
    entry = services.administer(nurse(world), session.public_id,
                                services.Withdrawal(devices.public_id, Decimal(2)))  # fmt: skip
    assert entry.balance_after == 4


def test_waste_needs_another_clinical_staff_member_with_their_password(world):
    stock = stocked(world)
    out = services.Withdrawal(stock.public_id, Decimal("10"), "remainder of vial")
    prescriber = world.users_a["prescriber"]
    # Real passwords, so that only the role or the clinic can be why a witness is refused.
    for user in (prescriber, world.users_a["therapist"], world.users_b["nurse"]):
        user.set_password("a-long-test-password")
        user.save()
    refused = [
        services.Witness(prescriber.email, "wrong password"),
        services.Witness(world.users_a["nurse"].email, "any"),  # oneself
        services.Witness(world.users_a["therapist"].email, "a-long-test-password"),
        services.Witness(world.users_b["nurse"].email, "a-long-test-password"),  # other clinic
        services.Witness("nobody@x.example", "a-long-test-password"),
    ]
    for witness in refused:
        with pytest.raises(Exception, match="another prescriber or nurse of this clinic"):
            services.waste(nurse(world), out, witness)
    entry = services.waste(nurse(world), out, services.Witness(prescriber.email,
                                                               "a-long-test-password"))  # fmt: skip
    assert (entry.kind, entry.witness, entry.balance_after) == ("waste", prescriber, 490)


def test_an_entry_is_reversed_once_and_never_edited(world):
    stock = stocked(world, "100")
    transfer = services.transfer(
        nurse(world), services.Withdrawal(stock.public_id, Decimal(40), "sister clinic short",
                                          "Riverside North, DEA AB1234563"), incoming=False,
    )  # fmt: skip
    reversal = services.reverse(nurse(world), transfer.public_id, "sent by mistake")
    assert (reversal.kind, reversal.change, reversal.balance_after) == ("reversal", 40, 100)
    with pytest.raises(Exception, match="already reversed"):
        services.reverse(nurse(world), transfer.public_id, "again")
    with pytest.raises(Exception, match="not reversed"):
        services.reverse(nurse(world), reversal.public_id, "undo the undo")
    with connection.cursor() as cursor, pytest.raises(Exception, match="append-only"):  # noqa: PT012
        with transaction.atomic():
            cursor.execute("UPDATE controlled_entry SET change = 0 WHERE id = %s", [transfer.pk])


def test_reversing_a_receipt_whose_stock_was_used_is_refused(world, client_as):
    stock = stocked(world, "50")
    receipt = Entry.objects.get(kind=EntryKind.RECEIPT)
    services.adjust(nurse(world), stock.public_id, "-30", "broken vial")
    with pytest.raises(Exception, match="Only 20 mg"):
        services.reverse(nurse(world), receipt.public_id, "wrong lot")
    stock.refresh_from_db()
    assert stock.balance == 20


def test_the_database_refuses_a_negative_balance_whatever_the_code(world):
    stock = stocked(world, "5")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLot.objects.filter(pk=stock.pk).update(balance=Decimal("-1"))


def test_a_count_that_differs_needs_a_note_and_reconciles_by_an_adjustment(world):
    stock = stocked(world, "100")
    same = services.count(nurse(world), stock.public_id, Decimal(100), "")
    assert same.adjustment is None
    with pytest.raises(Exception, match="required"):
        services.count(nurse(world), stock.public_id, Decimal(98), "")
    short = services.count(nurse(world), stock.public_id, Decimal(98), "2 mg spilled, reported")
    assert (short.expected, short.counted) == (100, 98)
    assert short.adjustment.change == -2 and "count discrepancy" in short.adjustment.reason
    stock.refresh_from_db()
    assert stock.balance == 98 and StockCount.objects.count() == 2


@pytest.mark.parametrize(
    ("role", "ledger", "write"),
    [("prescriber", 200, 302), ("nurse", 200, 302), ("clinic_admin", 200, 403),
     ("therapist", 403, 403), ("front_desk", 403, 403), ("patient", 403, 403)],
)  # fmt: skip
def test_who_sees_and_who_records(world, client_as, role, ledger, write):
    client = client_as(world.users_a[role])
    assert client.get(reverse("controlled-ledger")).status_code == ledger
    body = {"product": "ketamine", "lot": "K-9", "expires_on": EXPIRY.isoformat(),
            "quantity": "100", "supplier": "Acme"}  # fmt: skip
    assert client.post(reverse("controlled-receive"), body).status_code == write


@pytest.mark.parametrize("role", ROLES)
def test_another_clinics_lot_is_not_found(world, client_as, role):
    stock = stocked(world)
    client = client_as(world.users_b[role])
    assert client.get(reverse("controlled-lot", args=[stock.public_id])).status_code in (403, 404)
    url = reverse("controlled-lot-action", args=[stock.public_id, "adjust"])
    assert client.post(url, {"adjust-change": "-5", "adjust-reason": "x"}).status_code in (403, 404)
    stock.refresh_from_db()
    assert stock.balance == 500


def test_the_page_refuses_an_overdraw_beside_the_field_and_keeps_the_balance(world, client_as):
    stock = stocked(world, "20")
    client = client_as(world.users_a["nurse"])
    url = reverse("controlled-lot-action", args=[stock.public_id, "transfer"])
    body = {"transfer-direction": "out", "transfer-quantity": "25",
            "transfer-party": "North", "transfer-reason": "short"}  # fmt: skip
    response = client.post(url, body)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Only 20 mg" in html and 'data-field="quantity"' in html
    stock.refresh_from_db()
    assert stock.balance == 20


def test_the_api_records_and_refuses_with_the_field_named(world, client_as):
    client = client_as(world.users_a["nurse"])
    body = {"product": "esketamine", "lot": "E-7", "expires_on": EXPIRY.isoformat(),
            "quantity": "12", "supplier": "Janssen via Cardinal"}  # fmt: skip
    created = client.post("/api/controlled/receipts", json.dumps(body),
                          content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    lot_id = created.json()["lot_id"]
    half = client.post(f"/api/controlled/lots/{lot_id}/adjustments",
                       json.dumps({"change": "-0.5", "reason": "x"}),
                       content_type="application/json")  # fmt: skip
    assert half.status_code == 422 and "change" in json.dumps(half.json()["detail"])
    over = client.post(f"/api/controlled/lots/{lot_id}/transfers",
                       json.dumps({"direction": "out", "quantity": "13", "party": "N",
                                   "reason": "x"}), content_type="application/json")  # fmt: skip
    assert over.status_code == 422 and "quantity" in json.dumps(over.json()["detail"])
    listed = client.get(f"/api/controlled/lots/{lot_id}/entries").json()
    assert listed["count"] == 1 and listed["items"][0]["balance_after"] == "12.00"


def test_the_csv_export_lists_every_entry_for_an_inspector(world, client_as):
    stock = stocked(world, "100")
    services.adjust(nurse(world), stock.public_id, "-3", "broken vial")
    response = client_as(world.users_a["clinic_admin"]).get(reverse("controlled-export"))
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["kind"], r["change"], r["balance_after"]) for r in rows] == [
        ("receipt", "100.00", "100.00"),
        ("adjustment", "-3.00", "97.00"),
    ]
    assert AuditEntry.objects.filter(object_type="controlled_export").exists()


def _withdraw_in_thread(actor, lot_id, barrier, outcomes):  # type: ignore[no-untyped-def]
    try:
        barrier.wait(10)
        services.transfer(actor, services.Withdrawal(lot_id, Decimal(30), "x", "North"), False)
        outcomes.append("done")
    except Exception as exc:  # noqa: BLE001 - any outcome is checked below
        outcomes.append(str(exc))
    finally:
        connection.close()


def test_two_simultaneous_withdrawals_never_overdraw(transactional_db, world):  # type: ignore[no-untyped-def]
    stock = stocked(world, "50")
    barrier, outcomes = threading.Barrier(2), []
    threads = [threading.Thread(target=_withdraw_in_thread,
                                args=(nurse(world), stock.public_id, barrier, outcomes))
               for _ in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    stock.refresh_from_db()
    assert stock.balance == 20 and Entry.objects.filter(kind="transfer_out").count() == 1
    loser = sorted(outcomes, key=lambda o: o == "done")[0]
    assert "Only 20 mg" in loser or (connection.vendor == "sqlite" and "locked" in loser)


def test_witness_passwords_are_throttled_like_a_login(world, settings):
    """After AXES_FAILURE_LIMIT wrong witness passwords even the right one is refused for the
    cool-off window, so a waste screen cannot be used to guess a colleague's password."""
    from django.core.cache import cache

    stock = stocked(world)
    out = services.Withdrawal(stock.public_id, Decimal("1"), "remainder of vial")
    prescriber = world.users_a["prescriber"]
    prescriber.set_password("a-long-test-password")
    prescriber.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(Exception, match="another prescriber or nurse of this clinic"):
            services.waste(nurse(world), out, services.Witness(prescriber.email, "guess"))
    with pytest.raises(Exception, match="Too many wrong witness passwords") as refused:
        services.waste(nurse(world), out,
                       services.Witness(prescriber.email, "a-long-test-password"))  # fmt: skip
    assert "witness_password" in refused.value.message_dict
    assert not stock.entries.filter(kind="waste").exists()
    cache.clear()  # the cool-off window has passed
    entry = services.waste(nurse(world), out,
                           services.Witness(prescriber.email, "a-long-test-password"))  # fmt: skip
    assert entry.witness == prescriber
