"""The run sheet's use cases: the dose with its controlled-substance entry in one
transaction, the esketamine device log, adverse events, sedation and dissociation on the
core's schedule, signing (a role rule) that locks the session, amendments that keep the
original, and the version check that tells the later of two saves to reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ketacare.audit.models import AuditEntry
from ketacare.controlled.administration import administer_dose
from ketacare.controlled.models import Entry, StockLot
from ketacare.sessions import run_sheet, services
from ketacare.sessions.dose import DoseGiven
from ketacare.sessions.locking import SessionConflict
from ketacare.sessions.models import DoseAdministration, DosingSession, SessionAmendment
from tests.web.run_sheet_helpers import (
    actor,
    clinic_time,
    complete_rems_form,
    esketamine_dose,
    esketamine_lot,
    started_session,
)

pytestmark = pytest.mark.django_db


def _discharged(session: DosingSession) -> DosingSession:
    DosingSession.objects.filter(pk=session.pk).update(
        status="discharged", discharged_at=timezone.now()
    )
    session.refresh_from_db()
    return session


def test_an_esketamine_dose_writes_its_device_log_and_its_controlled_entry_together(world):
    session = started_session(world)
    lot = esketamine_lot(world, quantity=10)
    dose = administer_dose(actor(world), session.public_id, esketamine_dose(world),
                           lot_id=lot.public_id, version=session.version)  # fmt: skip
    assert dose.lot_number == "ES-1" and dose.device_count == 2 and dose.deviations == []
    assert [d.number for d in dose.devices.all()] == [1, 2]
    assert dose.first_device_at == dose.devices.get(number=1).given_at
    entry = Entry.objects.get(kind="administration")
    assert entry.session == session and entry.change == -2
    assert StockLot.objects.get().balance == 8
    assert AuditEntry.objects.filter(object_type="dose_administration").exists()


def test_a_dose_the_stock_cannot_cover_writes_neither_the_dose_nor_the_entry(world):
    session = started_session(world)
    lot = esketamine_lot(world, quantity=1)
    with pytest.raises(ValidationError) as refused:
        administer_dose(actor(world), session.public_id, esketamine_dose(world),
                        lot_id=lot.public_id, version=session.version)  # fmt: skip
    assert "quantity" in refused.value.message_dict
    assert not DoseAdministration.objects.exists()
    assert not Entry.objects.filter(kind="administration").exists()
    assert DosingSession.objects.get().version == session.version  # the claim rolled back


def test_an_expired_lot_is_refused_naming_the_lot(world):
    session = started_session(world)
    esketamine_lot(world)  # the clinic keeps lots: one must be chosen
    old = esketamine_lot(world, lot="OLD", expires_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        administer_dose(actor(world), session.public_id, esketamine_dose(world),
                        lot_id=old.public_id, version=session.version)  # fmt: skip
    assert "expired" in refused.value.message_dict["lot"][0]
    assert not DoseAdministration.objects.exists()


def test_without_clinic_lots_the_label_lot_is_typed_and_an_expired_one_refused(world):
    session = started_session(world)
    with pytest.raises(ValidationError) as refused:
        administer_dose(actor(world), session.public_id, esketamine_dose(world),
                        lot_number="L9", lot_expires_on=timezone.localdate() - timedelta(days=3),
                        version=session.version)  # fmt: skip
    assert "expired" in refused.value.message_dict["lot_expires_on"][0]
    dose = administer_dose(actor(world), session.public_id, esketamine_dose(world),
                           lot_number="L9", lot_expires_on=timezone.localdate(),
                           version=session.version)  # fmt: skip
    assert dose.lot_number == "L9" and not Entry.objects.exists()


def test_a_short_rest_between_devices_is_recorded_with_a_warning_not_refused(world):
    session = started_session(world)
    dose = administer_dose(actor(world), session.public_id, esketamine_dose(world, gap_minutes=2),
                           lot_number="L1", lot_expires_on=timezone.localdate(),
                           version=session.version)  # fmt: skip
    assert "5-minute rest" in dose.deviations[0] and "(S3)" in dose.deviations[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dose_mg": 84.0}, "device_times"),  # 3 devices, 2 times
        ({"product": "ketamine"}, "product"),
        ({"route": "iv"}, "route"),
    ],
)
def test_a_dose_that_contradicts_itself_or_the_session_is_refused_naming_the_field(
    world, change, field
):
    session = started_session(world)
    given = DoseGiven(**{**esketamine_dose(world).__dict__, **change})
    with pytest.raises(ValidationError) as refused:
        administer_dose(actor(world), session.public_id, given, lot_number="L1",
                        lot_expires_on=timezone.localdate(), version=session.version)  # fmt: skip
    assert field in refused.value.message_dict


def test_dose_times_in_the_future_or_before_the_session_are_refused(world):
    session = started_session(world, minutes_ago=30)
    for minutes_ago, words in ((-20, "in the future"), (45, "before the session started")):
        given = DoseGiven(**{**esketamine_dose(world).__dict__,
                             "started": clinic_time(world, minutes_ago)})  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            administer_dose(actor(world), session.public_id, given, lot_number="L1",
                            lot_expires_on=timezone.localdate(), version=None)  # fmt: skip
        assert words in refused.value.message_dict["started_at_time"][0]


def test_an_adverse_event_keeps_its_severity_and_the_action_taken(world):
    session = started_session(world)
    event = run_sheet.AdverseEventIn(clinic_time(world, 10), "nausea, vomited once", "moderate",
                                     "ondansetron 4 mg per standing order")  # fmt: skip
    saved = run_sheet.record_adverse_event(actor(world), session.public_id, event)
    assert saved.severity == "moderate" and saved.action_taken.startswith("ondansetron")
    bad = run_sheet.AdverseEventIn(None, "dizzy", "catastrophic", "sat down")
    with pytest.raises(ValidationError) as refused:
        run_sheet.record_adverse_event(actor(world), session.public_id, bad)
    assert "severity" in refused.value.message_dict


def test_sedation_and_dissociation_follow_the_cores_schedule_and_show_what_is_due(world):
    session = started_session(world, minutes_ago=45)
    due = [(p.minute, p.kind) for p in run_sheet.assessments_due(session)]
    assert due == [(40, "dissociation"), (40, "sedation"), (120, "dissociation"), (120, "sedation")]
    run_sheet.record_sedation(actor(world), session.public_id, 4, clinic_time(world, 4))
    run_sheet.record_dissociation(actor(world), session.public_id, [1] * 23, clinic_time(world, 3))
    due = [(p.minute, p.kind) for p in run_sheet.assessments_due(session)]
    assert due == [(120, "dissociation"), (120, "sedation")]
    cadss = session.assessments.get(kind="dissociation")
    assert cadss.score == 23 and cadss.scale_response.instrument == "cadss"
    with pytest.raises(ValidationError) as refused:
        run_sheet.record_sedation(actor(world), session.public_id, 7)
    assert "moaas" in refused.value.message_dict


def test_a_role_that_may_not_sign_is_refused(world):
    session = _discharged(started_session(world))
    with pytest.raises(PermissionDenied):
        services.sign_session(actor(world, "therapist"), session.public_id, version=None)
    assert DosingSession.objects.get().signed_at is None


def test_a_session_in_progress_cannot_be_signed(world):
    session = started_session(world)
    with pytest.raises(ValidationError) as refused:
        services.sign_session(actor(world, "prescriber"), session.public_id, version=None)
    assert "Discharge" in refused.value.messages[0]


def test_a_signed_session_is_locked_for_every_entry(world):
    session = started_session(world)
    _discharged(session)
    complete_rems_form(world, session)  # signing needs it (S11)
    signed = services.sign_session(actor(world, "prescriber"), session.public_id,
                                   version=session.version)  # fmt: skip
    assert signed.signed_by == world.users_a["prescriber"]
    now = clinic_time(world, 1)
    writes = [
        lambda: run_sheet.record_adverse_event(
            actor(world), session.public_id, run_sheet.AdverseEventIn(now, "x", "mild", "y")
        ),
        lambda: run_sheet.record_sedation(actor(world), session.public_id, 5),
        lambda: administer_dose(
            actor(world),
            session.public_id,
            esketamine_dose(world),
            lot_number="L",
            lot_expires_on=timezone.localdate(),
            version=None,
        ),  # fmt: skip
        lambda: services.sign_session(actor(world, "prescriber"), session.public_id, version=None),
    ]
    for write in writes:
        with pytest.raises(SessionConflict) as refused:
            write()
        assert "signed" in refused.value.messages[0] and "amendment" in refused.value.messages[0]


def test_an_amendment_after_signing_keeps_the_original_with_who_when_and_why(world):
    session = started_session(world)
    administer_dose(actor(world), session.public_id, esketamine_dose(world), lot_number="L1",
                    lot_expires_on=timezone.localdate(), version=None)  # fmt: skip
    _discharged(session)
    complete_rems_form(world, session)  # signing needs it (S11)
    session = services.sign_session(actor(world, "nurse"), session.public_id, version=None)
    amendment = run_sheet.amend_session(
        actor(world, "prescriber"), session.public_id, section="dose",
        correction="Lot was L2, not L1 (second box)", reason="transcription error",
        version=session.version,
    )  # fmt: skip
    assert amendment.original["lot_number"] == "L1"
    assert DoseAdministration.objects.get().lot_number == "L1"  # the original is untouched
    assert amendment.amended_by == world.users_a["prescriber"] and amendment.reason
    assert AuditEntry.objects.filter(object_type="session_amendment").exists()


def test_the_later_of_two_saves_from_the_same_version_is_told_to_reload(world):
    session = started_session(world)
    seen = session.version
    administer_dose(actor(world), session.public_id, esketamine_dose(world), lot_number="L1",
                    lot_expires_on=timezone.localdate(), version=seen)  # fmt: skip
    _discharged(session)
    complete_rems_form(world, session)  # signing needs it (S11)
    with pytest.raises(SessionConflict) as refused:
        services.sign_session(actor(world, "nurse"), session.public_id, version=seen)
    assert "reload" in refused.value.message_dict["version"][0]
    assert DosingSession.objects.get().signed_at is None
    with pytest.raises(SessionConflict):
        run_sheet.amend_session(actor(world, "nurse"), session.public_id, section="dose",
                                correction="c", reason="r", version=seen)  # fmt: skip
    assert not SessionAmendment.objects.exists()


def test_a_late_sedation_entry_covers_the_planned_minute_nearest_to_it(world):
    session = started_session(world, minutes_ago=130)
    run_sheet.record_sedation(actor(world), session.public_id, 5, clinic_time(world, 2))
    due = [(p.minute, p.kind) for p in run_sheet.assessments_due(session)]
    assert (120, "sedation") not in due and (40, "sedation") in due


def test_an_esketamine_session_is_not_signed_while_its_rems_form_lacks_a_field(world):
    session = started_session(world)
    _discharged(session)
    with pytest.raises(ValidationError) as refused:
        services.sign_session(actor(world, "nurse"), session.public_id, version=None)
    assert "REMS Patient Monitoring Form lacks" in refused.value.message_dict["rems"][0]
    assert DosingSession.objects.get(pk=session.pk).signed_at is None
