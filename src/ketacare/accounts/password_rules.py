"""Password rules beyond Django's: guessable shapes and words tied to this system.

Django's validators already refuse short passwords (12 here), all-digit ones, ones close
to the user's email or name, and the 20,000 most common passwords of breach corpora
(CommonPasswordValidator's list, shipped in Django, no network). These add what that list
misses at 12+ characters (ASVS 5.0 6.2.4, 6.2.11; NIST SP 800-63B 5.1.1.2 "context-specific
words"): one character or a short unit repeated ("aaaaaaaaaaaa", "abcabcabcabc"), too few
different characters, and the product's own name, including the published demo password.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# Words an attacker tries first against this system; the demo password is published.
CONTEXT_WORDS = ("ketacare",)
MIN_DISTINCT_CHARACTERS = 5


def _repeated_unit(password: str) -> str | None:
    """The shortest unit the password is made of by repetition, if any."""
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if len(password) % size == 0 and unit * (len(password) // size) == password:
            return unit
    return None


class GuessablePasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if _repeated_unit(lowered) is not None:
            raise ValidationError(
                "This password repeats the same characters; choose one that does not.",
                code="password_repeated",
            )
        if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                f"This password uses fewer than {MIN_DISTINCT_CHARACTERS} different "
                "characters; choose a less predictable one.",
                code="password_too_uniform",
            )
        for word in CONTEXT_WORDS:
            if word in lowered:
                raise ValidationError(
                    f"A password may not contain “{word}”: it is the first word an attacker "
                    "tries here (the demo password uses it).",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return (
            "Your password may not repeat the same characters, use fewer than "
            f"{MIN_DISTINCT_CHARACTERS} different characters, or contain the product's name."
        )
