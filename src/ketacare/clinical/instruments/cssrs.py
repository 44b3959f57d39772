"""C-SSRS Screener: Columbia-Suicide Severity Rating Scale, screen version (clinical.md Q8).

Six yes/no questions plus the follow-up "was it within the past 3 months?" for question 6,
seven answers in all (1 = yes, 0 = no, None = skipped). Skip logic of the screener (Q8):
questions 3-5 are asked only when question 2 is "yes"; the 3-month follow-up only when
question 6 is "yes". Questions 1, 2 and 6 are always required.

Risk level (triage):
* `high`: yes to question 4 or 5 (ideation with intent, past month) or suicidal behaviour
  within the past 3 months. This is the C-SSRS imminent-risk rule quoted in Q8 (Columbia
  triage guidelines) and clinical.md section 4: immediate evaluation and safety precautions.
* `moderate`: yes to question 3 (method), or behaviour longer ago than 3 months;
* `low`: yes to question 1 or 2 only;
* `none`: every answer "no".
The low/moderate split follows the screener's triage key as summarised in Q8 (Rula,
"Interpreting C-SSRS Scores"); only the `high` tier is stated in clinical.md itself.

`total` is the ideation severity: the most severe ideation type endorsed, 0-5, because the
C-SSRS scoring guide treats questions 1-5 as ideation types of increasing severity (Q8).
The screener has no other numeric total. `high` raises the `suicidality` flag (issue 4);
any endorsed question also raises `positive screen`, so the care team sees it
(DESIGN.md: a positive C-SSRS screen raises a visible alert).

An answer to a skipped question is still counted, never ignored: a "yes" is kept even when
the skip logic would not have asked it. A "yes" to the 3-month follow-up while question 6
is "no" is a contradiction and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ketacare.clinical.errors import InvalidAnswers
from ketacare.clinical.instruments.base import Answers, Item, ScoreResult

SUICIDALITY = "suicidality"
POSITIVE_SCREEN = "positive screen"
RISK_LEVELS = ("none", "low", "moderate", "high")

# clinical.md section 4 lists these LOINC codes for the screener items (Q8) without a
# per-question mapping, so none is assigned to a single question here.
ITEM_LOINC_CODES = ("93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9")
LOINC_RISK_LEVEL = "93374-7"  # Q8

ITEMS = (
    Item(1, "Have you wished you were dead or wished you could go to sleep and not wake up?", 0, 1),
    Item(2, "Have you actually had any thoughts of killing yourself?", 0, 1),
    Item(3, "Have you been thinking about how you might do this?", 0, 1),
    Item(4, "Have you had these thoughts and had some intention of acting on them?", 0, 1),
    Item(
        5,
        "Have you started to work out or worked out the details of how to kill yourself? "
        "Do you intend to carry out this plan?",
        0,
        1,
    ),
    Item(
        6,
        "Have you ever done anything, started to do anything, or prepared to do anything "
        "to end your life?",
        0,
        1,
    ),
    Item(7, "If yes to question 6: was this within the past 3 months?", 0, 1),
)
QUESTION_LABELS = ("1", "2", "3", "4", "5", "6", "6 (past 3 months)")


def _read(position: int, answer: object, required: bool) -> int | None:
    label = QUESTION_LABELS[position]
    if answer is None:
        if required:
            raise InvalidAnswers(f"C-SSRS question {label} is required but was skipped")
        return None
    if isinstance(answer, bool) or not isinstance(answer, int) or answer not in (0, 1):
        raise InvalidAnswers(
            f"C-SSRS question {label}: answer {answer!r} must be 0 (no) or 1 (yes)"
        )
    return answer


def triage(answers: Sequence[int | None]) -> str:
    """Risk level from validated screener answers (see module docstring, Q8)."""
    yes = [answer == 1 for answer in answers]
    behaviour_recent = yes[5] and yes[6]
    if yes[3] or yes[4] or behaviour_recent:
        return "high"
    if yes[2] or yes[5]:
        return "moderate"
    if yes[0] or yes[1]:
        return "low"
    return "none"


@dataclass(frozen=True)
class CssrsScreener:
    """The C-SSRS screener as an `Instrument` (answers may contain None for skips)."""

    key: str = "cssrs"
    name: str = "C-SSRS Screener"
    items: tuple[Item, ...] = ITEMS
    recall_period: str = "Past month (questions 1-5); lifetime and past 3 months (question 6)"
    total_range: tuple[int, int] = (0, 5)
    sources: tuple[str, ...] = ("Q8",)
    # clinical.md does not say who asks the screener. KetaCare has the care team ask it: a
    # `high` answer calls for immediate evaluation (Q8), and the latest result prefills
    # eligibility screening, so a patient's own entry must not stand in for a clinician's.
    self_report: bool = False
    licence_note: str = "Free to reproduce for clinical use; item text included."
    answer_labels: tuple[str, ...] = ("No", "Yes")

    def validate(self, answers: Answers) -> tuple[int | None, ...]:
        if len(answers) != len(self.items):
            raise InvalidAnswers(
                f"C-SSRS screener takes 7 answers (questions 1-6 and '6 within past 3 "
                f"months', '-' when skipped) but {len(answers)} were given"
            )
        q2 = _read(1, answers[1], required=True)
        q6 = _read(5, answers[5], required=True)
        checked = [
            _read(0, answers[0], required=True),
            q2,
            *(_read(i, answers[i], required=q2 == 1) for i in (2, 3, 4)),
            q6,
            _read(6, answers[6], required=q6 == 1),
        ]
        if q6 == 0 and checked[6] == 1:
            raise InvalidAnswers(
                "C-SSRS question 6 (past 3 months) is 'yes' but question 6 is 'no'"
            )
        return tuple(checked)

    def score(self, answers: Answers) -> ScoreResult:
        checked = self.validate(answers)
        ideation = max((n for n in range(1, 6) if checked[n - 1] == 1), default=0)
        risk = triage(checked)
        flags: list[str] = []
        if risk != "none":
            flags.append(POSITIVE_SCREEN)
        if risk == "high":
            flags.append(SUICIDALITY)
        return ScoreResult(
            instrument=self.key,
            total=ideation,
            severity=None,
            flags=tuple(flags),
            risk=risk,
            subscales=MappingProxyType(
                {
                    "ideation severity": ideation,
                    "behaviour": int(checked[5] == 1),
                    "behaviour past 3 months": int(checked[6] == 1),
                }
            ),
        )


CSSRS = CssrsScreener()
