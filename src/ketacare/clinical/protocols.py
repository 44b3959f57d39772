"""Protocol templates and the dated schedules they generate; maintenance spacing.

Templates (sources beside each):
* `iv-induction`: 0.5 mg/kg IV over 40 min (K1, K7), 6 infusions 3 times a week, which
  spans 12 days (Murrough 2013, K6; clinic example 3x/week x 2 weeks, K21). Futility
  review after infusion 3 (K7); outcome review after infusion 6 (K20).
* `im-induction`: 0.5 mg/kg IM (K5: 0.25 and 0.5 mg/kg studied). No IM course is
  published; the IV pattern (K6) is borrowed and labelled so.
* `esketamine-trd`: US label (S3, S4): twice weekly in weeks 1-4 (56 mg on day 1, then 56
  or 84 mg), weekly in weeks 5-8; then weekly or every 2 weeks via maintenance spacing.
  Benefit is evaluated at the end of induction (S3).
* `esketamine-mdd-si`: 84 mg twice weekly for 4 weeks (may drop to 56 mg); longer use is
  not systematically evaluated (S3).
* `at-home-odt`: 6-session program with a renewal consult and a 1:1 integration session
  after every 6 sessions (H3); early sessions 3-7 days apart (H2, H6). The dose is the
  prescriber's: no sourced at-home starting dose exists in clinical.md.
* `crps-continuous-4-days`: 22 mg/h continuous for 4 days (K15).
* `crps-4h-daily-10-days`: 0.35 mg/kg/h for 4 h a day for 10 days (K15).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ketacare.clinical.dosing import DoseOverride, calculate_dose, check_infusion_rate
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.routes import Indication, Route


class SessionKind(StrEnum):
    DOSING = "dosing"
    COUNSELLING = "counselling"
    ASSESSMENT = "assessment"
    RENEWAL_CONSULT = "renewal consult"


@dataclass(frozen=True)
class Phase:
    """`sessions` dosing sessions placed on `day_offsets` of each 7-day block, or every
    `every_days` days when `day_offsets` is empty."""

    name: str
    sessions: int
    day_offsets: tuple[int, ...] = ()
    every_days: int = 1
    source: str = ""


@dataclass(frozen=True)
class DoseSpec:
    mg_per_kg: float | None = None
    mg: float | None = None
    first_session_mg: float | None = None
    infusion_minutes: int | None = None
    rate_mg_per_h: float | None = None
    rate_mg_per_kg_per_h: float | None = None
    hours_per_session: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Review:
    after_dosing_session: int
    reason: str
    source: str
    kind: SessionKind = SessionKind.ASSESSMENT


@dataclass(frozen=True)
class ProtocolTemplate:
    key: str
    name: str
    route: Route
    indication: Indication
    phases: tuple[Phase, ...]
    dose: DoseSpec
    reviews: tuple[Review, ...] = ()
    integration_every_n_sessions: int | None = None
    notes: str = ""


THREE_PER_WEEK = (0, 2, 4)  # K6: 6 infusions in 12 days
TWICE_WEEKLY = (0, 3)  # S3: twice weekly
WEEKLY = (0,)

TEMPLATES: dict[str, ProtocolTemplate] = {
    t.key: t
    for t in (
        ProtocolTemplate(
            "iv-induction",
            "IV racemic ketamine induction",
            Route.IV_RACEMIC,
            Indication.DEPRESSION,
            (Phase("induction", 6, THREE_PER_WEEK, source="K6, K21"),),
            DoseSpec(mg_per_kg=0.5, infusion_minutes=40, source="K1, K7"),
            (
                Review(3, "futility check: few respond after 3 infusions if none before", "K7"),
                Review(6, "end of induction: ~50% respond after 6 infusions", "K20"),
            ),
        ),
        ProtocolTemplate(
            "im-induction",
            "IM racemic ketamine induction",
            Route.IM_RACEMIC,
            Indication.DEPRESSION,
            (Phase("induction", 6, THREE_PER_WEEK, source="borrowed from IV (K6)"),),
            DoseSpec(mg_per_kg=0.5, source="K5"),
            (Review(3, "futility check (IV evidence)", "K7"),),
            notes="No IM course is published; session pattern borrowed from IV practice.",
        ),
        ProtocolTemplate(
            "esketamine-trd",
            "Esketamine for TRD (US label)",
            Route.ESKETAMINE_NASAL,
            Indication.DEPRESSION,
            (
                Phase("induction (weeks 1-4)", 8, TWICE_WEEKLY, source="S3, S4"),
                Phase("weeks 5-8", 4, WEEKLY, source="S3, S4"),
            ),
            DoseSpec(mg=56, first_session_mg=56, source="S3"),
            (Review(8, "evaluate benefit at end of induction", "S3"),),
            notes="Week 9 on: weekly or every 2 weeks, least frequent that keeps response "
            "(S3, S4): see next_maintenance_date.",
        ),
        ProtocolTemplate(
            "esketamine-mdd-si",
            "Esketamine for MDD with acute suicidal ideation",
            Route.ESKETAMINE_NASAL,
            Indication.DEPRESSION,
            (Phase("4 weeks", 8, TWICE_WEEKLY, source="S3"),),
            DoseSpec(mg=84, source="S3"),
            (Review(8, "use beyond 4 weeks not systematically evaluated", "S3"),),
        ),
        ProtocolTemplate(
            "at-home-odt",
            "At-home sublingual/ODT program",
            Route.AT_HOME_SUBLINGUAL,
            Indication.DEPRESSION,
            (Phase("program", 6, every_days=7, source="H3, H2, H6"),),
            DoseSpec(source="prescriber (no sourced at-home dose)"),
            (Review(6, "renewal consult every 6 sessions", "H3", SessionKind.RENEWAL_CONSULT),),
            integration_every_n_sessions=6,
        ),
        ProtocolTemplate(
            "crps-continuous-4-days",
            "CRPS: continuous infusion for 4 days",
            Route.IV_RACEMIC,
            Indication.CHRONIC_PAIN,
            (Phase("infusion", 4, every_days=1, source="K15"),),
            DoseSpec(rate_mg_per_h=22, hours_per_session=24, source="K15"),
        ),
        ProtocolTemplate(
            "crps-4h-daily-10-days",
            "CRPS: 4 h daily infusions for 10 days",
            Route.IV_RACEMIC,
            Indication.CHRONIC_PAIN,
            (Phase("infusions", 10, every_days=1, source="K15"),),
            DoseSpec(rate_mg_per_kg_per_h=0.35, hours_per_session=4, source="K15"),
        ),
    )
}


@dataclass(frozen=True)
class PatientContext:
    weight_kg: float
    dose_mg: float | None = None
    """Prescribed fixed dose: esketamine after day 1 (56 or 84 mg), at-home dose."""
    override: DoseOverride | None = None
    """The prescriber's recorded decision to plan the course above the hard limit; each
    session's dose is still checked again, and overridden again, when it starts."""


MAX_PREPARATION_SESSIONS = 3  # data-entry bound, not a clinical number


@dataclass(frozen=True)
class ClinicScheduleRules:
    closed_weekdays: frozenset[int] = frozenset()
    """Days the clinic does not dose (Monday = 0); sessions move to the next open day."""
    counselling_every_n_sessions: int | None = None
    """Clinic's choice, not sourced: a counselling session after every n dosing sessions."""
    preparation_sessions: int = 0
    """Clinic's choice: preparation sessions on the day of, before, the first dose. H9
    describes a 30-minute preparation before the first session; no count is sourced."""
    at_home_days_between_sessions: int = 7
    """Within 3-7 days for early at-home sessions (H2, H6); default weekly."""

    def __post_init__(self) -> None:
        if not self.closed_weekdays <= set(range(7)) or len(self.closed_weekdays) == 7:
            raise InvalidClinicalInput("closed_weekdays must be 0-6 and leave an open day")
        if not 3 <= self.at_home_days_between_sessions <= 7:
            raise InvalidClinicalInput("at_home_days_between_sessions must be 3-7 (H2, H6)")
        if self.counselling_every_n_sessions is not None and self.counselling_every_n_sessions < 1:
            raise InvalidClinicalInput("counselling_every_n_sessions must be at least 1")
        if not 0 <= self.preparation_sessions <= MAX_PREPARATION_SESSIONS:
            raise InvalidClinicalInput(f"preparation_sessions must be 0-{MAX_PREPARATION_SESSIONS}")


@dataclass(frozen=True)
class ScheduledSession:
    on: date
    kind: SessionKind
    phase: str
    dosing_number: int | None
    dose_mg: float | None
    detail: str
    source: str


def _open_day(day: date, after: date | None, closed: frozenset[int]) -> date:
    if after is not None and day <= after:
        day = after + timedelta(days=1)
    while day.weekday() in closed:
        day += timedelta(days=1)
    return day


def _nominal_dates(phase: Phase, start: date, every_days: int) -> tuple[list[date], date]:
    """Planned dates of a phase and the start of the next phase."""
    if phase.day_offsets:
        per_week = len(phase.day_offsets)
        days = [
            start + timedelta(days=7 * (n // per_week) + phase.day_offsets[n % per_week])
            for n in range(phase.sessions)
        ]
        weeks = -(-phase.sessions // per_week)
        return days, start + timedelta(days=7 * weeks)
    days = [start + timedelta(days=every_days * n) for n in range(phase.sessions)]
    return days, start + timedelta(days=every_days * phase.sessions)


def _dose(template: ProtocolTemplate, number: int, patient: PatientContext) -> tuple[float, str]:
    spec, route = template.dose, template.route
    if spec.rate_mg_per_h or spec.rate_mg_per_kg_per_h:
        rate = spec.rate_mg_per_h or (spec.rate_mg_per_kg_per_h or 0) * patient.weight_kg
        check_infusion_rate(weight_kg=patient.weight_kg, rate_mg_per_h=rate)
        hours = spec.hours_per_session or 0
        return round(rate * hours, 1), f"{rate:.1f} mg/h for {hours:g} h"
    if spec.mg_per_kg is not None:
        calc = calculate_dose(
            route, weight_kg=patient.weight_kg, dose_mg_per_kg=spec.mg_per_kg,
            override=patient.override,
        )  # fmt: skip
        minutes = f" over {spec.infusion_minutes} min" if spec.infusion_minutes else ""
        return calc.dose_mg, f"{spec.mg_per_kg:g} mg/kg{minutes}{_overridden(calc.override)}"
    if number == 1 and spec.first_session_mg is not None:
        amount: float | None = spec.first_session_mg
    else:
        amount = patient.dose_mg if patient.dose_mg is not None else spec.mg
    if amount is None:
        raise InvalidClinicalInput(f"dose_mg: the prescriber must set the dose for {template.name}")
    calc = calculate_dose(
        route, weight_kg=patient.weight_kg, dose_mg=amount, override=patient.override
    )
    return calc.dose_mg, f"{calc.dose_mg:g} mg{_overridden(calc.override)}"


def _overridden(override: DoseOverride | None) -> str:
    """The core returns the override only when the dose needed it."""
    return f", above the limit by override ({override.authorised_by})" if override else ""


def generate_schedule(
    template: str | ProtocolTemplate,
    start: date,
    patient: PatientContext,
    clinic: ClinicScheduleRules = ClinicScheduleRules(),
) -> tuple[ScheduledSession, ...]:
    """Dated dosing, counselling and review sessions of a course, in date order.

    Every dose is checked against the route's hard limit (dosing.py); a course whose dose
    would exceed it is refused unless the patient context carries the prescriber's override
    (each session is checked again when it starts). A start so
    late that the course would run past the calendar's end (9999-12-31) is refused too.
    """
    try:
        return _schedule(template, start, patient, clinic)
    except OverflowError as exc:
        raise InvalidClinicalInput(
            f"start: {start.isoformat()} leaves no room for the course before {date.max}"
        ) from exc


def _schedule(
    template: str | ProtocolTemplate,
    start: date,
    patient: PatientContext,
    clinic: ClinicScheduleRules,
) -> tuple[ScheduledSession, ...]:
    if isinstance(template, str):
        if template not in TEMPLATES:
            raise InvalidClinicalInput(
                f"template {template!r}: choose one of {', '.join(TEMPLATES)}"
            )
        template = TEMPLATES[template]
    every_n = template.integration_every_n_sessions or clinic.counselling_every_n_sessions
    reviews = {r.after_dosing_session: r for r in template.reviews}
    sessions: list[ScheduledSession] = []
    phase_start, previous, number = start, None, 0
    for n in range(clinic.preparation_sessions):
        on = _open_day(start, None, clinic.closed_weekdays)
        sessions.append(
            ScheduledSession(
                on, SessionKind.COUNSELLING, template.phases[0].name, None, None,
                f"preparation {n + 1} before the first dose", "clinic setting; H9",
            )
        )  # fmt: skip
    for phase in template.phases:
        every = (
            clinic.at_home_days_between_sessions
            if template.route is Route.AT_HOME_SUBLINGUAL
            else phase.every_days
        )
        nominal, phase_start = _nominal_dates(phase, phase_start, every)
        for day in nominal:
            number += 1
            on = _open_day(day, previous, clinic.closed_weekdays)
            previous = on
            dose_mg, detail = _dose(template, number, patient)
            sessions.append(
                ScheduledSession(
                    on,
                    SessionKind.DOSING,
                    phase.name,
                    number,
                    dose_mg,
                    detail,
                    f"{phase.source}; {template.dose.source}",
                )
            )
            if every_n and number % every_n == 0:
                sessions.append(
                    ScheduledSession(
                        on,
                        SessionKind.COUNSELLING,
                        phase.name,
                        None,
                        None,
                        f"integration after dosing session {number}",
                        "H3" if template.integration_every_n_sessions else "clinic setting",
                    )
                )
            if number in reviews:
                review = reviews[number]
                sessions.append(
                    ScheduledSession(
                        on, review.kind, phase.name, None, None, review.reason, review.source
                    )
                )
    return tuple(sessions)


ESKETAMINE_MAINTENANCE_LADDER_DAYS = (7, 14)  # S3, S4: weekly or every 2 weeks


def next_maintenance_date(
    route: Route,
    last_session_on: date,
    current_interval_days: int,
    response_holding: bool,
    ladder_days: Sequence[int] | None = None,
) -> tuple[date, int]:
    """Next maintenance session and its interval: space out while response holds.

    Esketamine uses the label's weekly / every-2-weeks ladder, the least frequent that
    keeps response (S3, S4). Other routes have no published spacing (K1: individualise;
    H3: weekly to monthly at home), so the clinic must give `ladder_days`.
    """
    if ladder_days is None:
        if route is not Route.ESKETAMINE_NASAL:
            raise InvalidClinicalInput(
                f"ladder_days: no published maintenance spacing for {route.label}; "
                "the clinic must set one (K1)"
            )
        ladder_days = ESKETAMINE_MAINTENANCE_LADDER_DAYS
    ladder = sorted(ladder_days)
    if current_interval_days not in ladder:
        raise InvalidClinicalInput(
            f"current_interval_days {current_interval_days} is not on the ladder {ladder}"
        )
    rung = ladder.index(current_interval_days)
    rung = min(rung + 1, len(ladder) - 1) if response_holding else max(rung - 1, 0)
    if last_session_on > date.max - timedelta(days=ladder[rung]):
        raise InvalidClinicalInput(f"last_session_on: {last_session_on} is too late to space from")
    return last_session_on + timedelta(days=ladder[rung]), ladder[rung]
