"""Benchmark: what the audit log costs a clinic, on a throwaway SQLite database.

Run:  .venv/bin/python bench/audit_log.py [--entries 2000]
      DATABASE_URL=postgres://... .venv/bin/python bench/audit_log.py   (any database)

1. Writing: `audit.services.record` (chain-head lock, HMAC-SHA256 over the entry under the
   key ring's key, insert, head update) against a baseline in the same run: the same rows
   inserted with a precomputed hash and no lock. The ratio is what the tamper-evident chain
   costs. The digest alone is timed too: HMAC-SHA256 against the plain SHA-256 that the
   chain used before it was keyed, over the same entry.
2. A chart read as a user makes it (access gate + patient row + audit entry), through the
   real view with the test client, against the same view with auditing patched out.
3. Verifying: `ketacare audit verify`'s walk over every entry, entries per second (run
   before the baseline rows, which are deliberately outside the chain).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketacare.config.settings")
os.environ.setdefault("KETACARE_VAR_DIR", tempfile.mkdtemp(prefix="ketacare-bench-"))


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from ketacare.accounts.actor import Actor
    from ketacare.accounts.models import User
    from ketacare.audit.models import AuditEntry
    from ketacare.audit.services import record, verify_chain
    from ketacare.demo import DEMO_USERS, load_demo
    from ketacare.patients.models import Patient

    load_demo(patients=40)
    nurse = User.objects.get(email=DEMO_USERS["nurse"])
    clinic = nurse.memberships.get().clinic
    actor = Actor(user=nurse, clinic=clinic, role="nurse", request_id="bench", ip="127.0.0.1")
    n = args.entries

    def chained() -> None:
        with transaction.atomic():
            record(actor, "read", "patient", "bench", patient_id="bench")

    def plain() -> None:
        with transaction.atomic():
            AuditEntry(at=timezone.now(), user_id=nurse.pk, user_email=nurse.email,
                       role="nurse", action="read", object_type="patient", object_id="bench",
                       patient_id="bench", clinic_id=clinic.pk, request_id="bench",
                       ip="127.0.0.1", prev_hash="0" * 64,
                       entry_hash=os.urandom(32).hex()).save()  # fmt: skip

    sample = record(actor, "read", "patient", "bench", patient_id="bench")
    from ketacare.audit import keyring

    key = keyring.key_for(sample.key_id)
    t_hmac = timed(lambda: sample.compute_hash(key), n * 5)
    sample.key_id = ""  # as entries were hashed before keying
    t_sha = timed(lambda: sample.compute_hash(None), n * 5)
    print(f"digest alone: HMAC-SHA256 {t_hmac * 1e6:.1f} us, plain SHA-256 {t_sha * 1e6:.1f} us"
          f" per entry (both include the canonical JSON)")  # fmt: skip
    t_chain = timed(chained, n)
    total = AuditEntry.objects.count()
    start = time.perf_counter()
    problems = sum(1 for _ in verify_chain())
    t_verify = time.perf_counter() - start
    t_plain = timed(plain, n)  # after verify: these rows are deliberately outside the chain
    print(f"write: chained {t_chain * 1e3:.3f} ms/entry, plain insert {t_plain * 1e3:.3f} ms"
          f" -> ratio {t_chain / t_plain:.2f}x  ({n} entries each)")  # fmt: skip
    print(f"verify: {total} entries in {t_verify:.2f} s -> {total / t_verify:,.0f} entries/s, "
          f"{problems} breaks")  # fmt: skip

    client = Client()
    client.force_login(nurse)
    patient = Patient.objects.filter(clinic=clinic).first()
    assert patient is not None
    url = f"/patients/{patient.public_id}/"
    client.get(url)  # warm up templates

    def chart() -> None:
        assert client.get(url).status_code == 200

    reads = max(50, n // 20)
    t_audited = timed(chart, reads)
    with mock.patch("ketacare.patients.services.record"):
        t_unaudited = timed(chart, reads)
    print(f"chart page: audited {t_audited * 1e3:.2f} ms, without audit "
          f"{t_unaudited * 1e3:.2f} ms -> ratio {t_audited / t_unaudited:.2f}x "
          f"({reads} reads)")  # fmt: skip


if __name__ == "__main__":
    main()
