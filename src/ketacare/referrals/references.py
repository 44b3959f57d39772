"""Reference numbers the sender quotes when calling the clinic.

Random (50 bits from `secrets`), so one reference tells nothing about another referral and
cannot be guessed from the previous one; in Crockford's base-32 alphabet (no I, L, O, U), so
it reads aloud over the phone without confusion. Never a database id.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = {"provider": "REF", "self": "CON"}


def new_reference(kind: str) -> str:
    """E.g. REF-7K3MQ-9XD2F for a provider's referral, CON-... for a consultation request."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{PREFIX[kind]}-{chars[:5]}-{chars[5:]}"
