"""Demo referrals in triage (invented people only): two providers' referrals, one of them
for a patient already registered (the duplicate check shows the candidate), one waiting
for more information, and a patient's own consultation request."""

from __future__ import annotations

from ketacare.accounts.actor import Actor
from ketacare.clinics.models import Clinic
from ketacare.patients.models import Patient
from ketacare.referrals import services
from ketacare.referrals.models import Referral

NPI = "1234567893"  # CMS's check-digit example: a valid NPI that belongs to nobody


def _provider(first: str, last: str, born: str, **more: object) -> dict[str, object]:
    return {
        "referrer_name": "Dr. Lee Okafor", "referrer_npi": NPI,
        "referrer_practice": "Hudson Valley Psychiatry", "referrer_phone": "(555) 014-2200",
        "first_name": first, "last_name": last, "date_of_birth": born,
        "phone": "(555) 016-3300", "state_of_residence": "NY", "diagnosis_codes": ["F33.2"],
        "reason": "Treatment-resistant depression: no remission after two adequate trials.",
        "prior_treatments": "Sertraline 200 mg for 12 weeks; bupropion XL 300 mg for 10 weeks.",
    } | more  # fmt: skip


def load_referrals(clinic: Clinic, front_desk: Actor) -> int:
    """Send the demo referrals once; returns how many were sent."""
    if Referral.objects.filter(clinic=clinic).exists():
        return 0
    sender = services.public_actor(clinic, "demo")
    registered = Patient.objects.filter(clinic=clinic).order_by("mrn").first()
    sent = [
        services.submit(sender, "provider", _provider("Morgan", "Delacroix", "1979-06-21")),
        services.submit(
            sender,
            "self",
            {
                "first_name": "Kit",
                "last_name": "Varga",
                "date_of_birth": "1991-11-02",
                "email": "kit.varga@example.org",
                "state_of_residence": "NJ",
                "reason": "Depression for years; my psychiatrist mentioned esketamine.",
            },
        ),  # fmt: skip
        services.submit(
            sender,
            "provider",
            _provider("Ash", "Brennan", "1968-02-09", diagnosis_codes=["F43.10"]),
        ),  # fmt: skip
    ]
    services.ask_for_more(
        front_desk, sent[2].public_id, "Asked Dr. Okafor's office for the last PHQ-9."
    )
    if registered is not None:  # a re-referral of someone already on record
        sent.append(services.submit(sender, "provider", _provider(
            registered.first_name, registered.last_name, registered.date_of_birth.isoformat(),
        )))  # fmt: skip
    return len(sent)
