"""Screening: eligible / needs clinician review / excluded, per route, with every reason.

Routes differ because their sources do: esketamine follows its US label (S1, S3, S5, S6),
racemic ketamine follows the ketamine SmPCs (K18), chronic-pain guidance (K15), clinic
practice (K19) and the APA consensus (K7). At-home dosing always needs review: the APA
consensus strongly discourages at-home self-administration (K7) and the FDA warned about
compounded ketamine used at home (H11).

Treatment-resistant depression (TRD): a major depressive episode that has not responded
to at least 2 antidepressant trials of adequate dose and duration (EMA Guideline on
clinical investigation of medicinal products in the treatment of depression,
EMA/CHMP/185423/2010 Rev. 2, 2013; the definition used in the esketamine trials behind
the TRD label, S3). Not in clinical.md yet; the count is `EligibilitySettings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ketacare.clinical.clinic_settings import (
    HIGHER_IS_TIGHTER,
    LOWER_IS_TIGHTER,
    guarded,
    refuse_unexplained_loosening,
)
from ketacare.clinical.errors import InvalidClinicalInput
from ketacare.clinical.routes import Route
from ketacare.clinical.vitals import BloodPressure, VitalSigns

TRD_SOURCE = "EMA/CHMP/185423/2010 Rev. 2; S3"
ESK = Route.ESKETAMINE_NASAL
RACEMIC = (Route.IV_RACEMIC, Route.IM_RACEMIC, Route.AT_HOME_SUBLINGUAL)
ALL_ROUTES = tuple(Route)


class Diagnosis(StrEnum):
    MAJOR_DEPRESSIVE_DISORDER = "major depressive disorder"
    MDD_WITH_ACUTE_SUICIDAL_IDEATION = "MDD with acute suicidal ideation or behaviour"
    BIPOLAR_DEPRESSION = "bipolar depression"
    PTSD = "PTSD"
    CHRONIC_PAIN = "chronic pain (e.g. CRPS)"


class History(StrEnum):
    ANEURYSMAL_VASCULAR_DISEASE = "aneurysmal vascular disease"
    ARTERIOVENOUS_MALFORMATION = "arteriovenous malformation"
    INTRACEREBRAL_HAEMORRHAGE = "history of intracerebral haemorrhage"
    HYPERSENSITIVITY = "hypersensitivity to ketamine, esketamine or excipients"
    UNCONTROLLED_HYPERTENSION = "uncontrolled hypertension"
    SEVERE_CARDIOVASCULAR_DISEASE = "severe coronary/myocardial disease or CVA"
    HYPERTENSIVE_ENCEPHALOPATHY = "history of hypertensive encephalopathy"
    RAISED_INTRACRANIAL_PRESSURE = "raised intracranial pressure"
    RAISED_INTRAOCULAR_PRESSURE = "raised intraocular pressure / glaucoma"
    UNTREATED_HYPERTHYROIDISM = "untreated hyperthyroidism"
    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    SUBSTANCE_USE_DISORDER = "substance use disorder (incl. alcohol)"
    PREGNANT_OR_BREASTFEEDING = "pregnancy or breastfeeding"
    INTERSTITIAL_CYSTITIS = "ulcerative or interstitial cystitis"
    RECENT_EPILEPSY = "recent epilepsy"


class HepaticImpairment(StrEnum):
    NONE = "none"
    MILD = "mild (Child-Pugh A)"
    MODERATE = "moderate (Child-Pugh B)"
    SEVERE = "severe (Child-Pugh C)"


class Medicine(StrEnum):
    BENZODIAZEPINE = "benzodiazepine"
    NON_BENZODIAZEPINE_HYPNOTIC = "non-benzodiazepine hypnotic"
    OPIOID = "opioid"
    PSYCHOSTIMULANT = "psychostimulant"
    MAOI = "MAOI"
    LAMOTRIGINE = "lamotrigine"
    CYP_INDUCER = "CYP2B6/3A4 inducer"
    CYP_INHIBITOR = "CYP2B6/3A4 inhibitor"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_REVIEW = "needs clinician review"
    EXCLUDED = "excluded"


_RANK = {
    EligibilityStatus.ELIGIBLE: 0,
    EligibilityStatus.NEEDS_REVIEW: 1,
    EligibilityStatus.EXCLUDED: 2,
}
OK, REVIEW, EXCLUDED = (
    EligibilityStatus.ELIGIBLE,
    EligibilityStatus.NEEDS_REVIEW,
    EligibilityStatus.EXCLUDED,
)


@dataclass(frozen=True)
class EligibilitySettings:
    """Screening thresholds; a clinic may tighten them, loosening needs a recorded reason."""

    trd_min_failed_trials: int = guarded(2, HIGHER_IS_TIGHTER, TRD_SOURCE)
    """EMA/CHMP/185423/2010 Rev. 2 (see module docstring)."""
    bp_review_above: BloodPressure = guarded(BloodPressure(140, 90), LOWER_IS_TIGHTER, "S1 §5.6")
    bp_exclude_above: BloodPressure = guarded(BloodPressure(180, 100), LOWER_IS_TIGHTER, "K18")
    """Ketamine SmPC (CH): uncontrolled hypertension > 180/100 at rest."""
    benzodiazepine_note_above_diazepam_mg: float = guarded(8.0, LOWER_IS_TIGHTER, "K17")
    """K17: above 8 mg diazepam-equivalent linked to non-response."""
    loosening_reason: str | None = None

    def __post_init__(self) -> None:
        refuse_unexplained_loosening(self, self.loosening_reason)
        if self.trd_min_failed_trials < 1:
            raise InvalidClinicalInput("trd_min_failed_trials must be at least 1")


@dataclass(frozen=True)
class ScreeningInput:
    diagnoses: frozenset[Diagnosis]
    failed_adequate_antidepressant_trials: int
    vitals: VitalSigns | None
    history: frozenset[History] = frozenset()
    hepatic_impairment: HepaticImpairment = HepaticImpairment.NONE
    medicines: frozenset[Medicine] = frozenset()
    latest_cssrs_risk: str | None = None
    benzodiazepine_diazepam_equivalent_mg: float | None = None

    def __post_init__(self) -> None:
        if self.failed_adequate_antidepressant_trials < 0:
            raise InvalidClinicalInput("failed_adequate_antidepressant_trials must be 0 or more")
        if self.latest_cssrs_risk not in (None, "none", "low", "moderate", "high"):
            raise InvalidClinicalInput(
                f"latest_cssrs_risk {self.latest_cssrs_risk!r} must be none/low/moderate/high"
            )


@dataclass(frozen=True)
class Reason:
    status: EligibilityStatus
    reason: str
    source: str


@dataclass(frozen=True)
class EligibilityResult:
    route: Route
    status: EligibilityStatus
    reasons: tuple[Reason, ...]

    @property
    def is_eligible(self) -> bool:
        return self.status is EligibilityStatus.ELIGIBLE


def is_treatment_resistant(
    screening: ScreeningInput, settings: EligibilitySettings = EligibilitySettings()
) -> bool:
    """TRD: depression with at least `trd_min_failed_trials` failed adequate trials."""
    depressed = screening.diagnoses & {
        Diagnosis.MAJOR_DEPRESSIVE_DISORDER,
        Diagnosis.MDD_WITH_ACUTE_SUICIDAL_IDEATION,
    }
    return bool(depressed) and (
        screening.failed_adequate_antidepressant_trials >= settings.trd_min_failed_trials
    )


PerRoute = dict[Route, tuple[EligibilityStatus, str]]


def _split(esk: tuple[EligibilityStatus, str], racemic: tuple[EligibilityStatus, str]) -> PerRoute:
    return {ESK: esk, **{route: racemic for route in RACEMIC}}


def _same(status: EligibilityStatus, source: str) -> PerRoute:
    return {route: (status, source) for route in ALL_ROUTES}


# History item -> status and source per route.
HISTORY_RULES: dict[History, PerRoute] = {
    History.ANEURYSMAL_VASCULAR_DISEASE: _split((EXCLUDED, "S5, S3"), (EXCLUDED, "K18")),
    History.ARTERIOVENOUS_MALFORMATION: _split((EXCLUDED, "S5, S3"), (EXCLUDED, "K18")),
    History.INTRACEREBRAL_HAEMORRHAGE: _split((EXCLUDED, "S5, S3"), (EXCLUDED, "K18")),
    History.HYPERSENSITIVITY: _same(EXCLUDED, "S5, S3"),
    History.UNCONTROLLED_HYPERTENSION: _split((EXCLUDED, "S1 §5.6"), (EXCLUDED, "K18")),
    History.SEVERE_CARDIOVASCULAR_DISEASE: _split((REVIEW, "S1, S6"), (EXCLUDED, "K18, K15")),
    History.HYPERTENSIVE_ENCEPHALOPATHY: _same(REVIEW, "S1 §5.6, S6"),
    History.RAISED_INTRACRANIAL_PRESSURE: _split((EXCLUDED, "S1 §5.6"), (EXCLUDED, "K18, K19")),
    History.RAISED_INTRAOCULAR_PRESSURE: _same(REVIEW, "K15, K19"),
    History.UNTREATED_HYPERTHYROIDISM: _split((REVIEW, "K18"), (EXCLUDED, "K18")),
    History.PSYCHOSIS: _same(REVIEW, "S1, S6, K7, K19"),
    History.MANIA: _same(REVIEW, "K19, K7"),
    History.SUBSTANCE_USE_DISORDER: _same(REVIEW, "S1, S6, K15, K7"),
    History.PREGNANT_OR_BREASTFEEDING: _split((EXCLUDED, "S1 §17, S6"), (EXCLUDED, "K19")),
    History.INTERSTITIAL_CYSTITIS: _same(REVIEW, "S1, S6"),
    History.RECENT_EPILEPSY: _same(REVIEW, "K19"),
}

HEPATIC_RULES: dict[HepaticImpairment, PerRoute] = {
    HepaticImpairment.MODERATE: _split((REVIEW, "S1 §8.6: monitor longer"), (REVIEW, "S1, S6")),
    HepaticImpairment.SEVERE: _split((EXCLUDED, "S1 §8.6: not recommended"), (EXCLUDED, "K15")),
}

MEDICINE_RULES: dict[Medicine, tuple[EligibilityStatus, str, str]] = {
    Medicine.BENZODIAZEPINE: (REVIEW, "more sedation (CNS depressant)", "S1, K16"),
    Medicine.NON_BENZODIAZEPINE_HYPNOTIC: (REVIEW, "more sedation (CNS depressant)", "S1, K16"),
    Medicine.OPIOID: (REVIEW, "more sedation (CNS depressant)", "S1, K16"),
    Medicine.PSYCHOSTIMULANT: (REVIEW, "raises blood pressure: monitor closely", "S1 §5.6"),
    Medicine.MAOI: (REVIEW, "raises blood pressure: monitor closely", "S1 §5.6"),
    Medicine.LAMOTRIGINE: (OK, "may reduce adverse effects; effect on response unknown", "K16"),
    Medicine.CYP_INDUCER: (REVIEW, "lowers ketamine exposure", "K16"),
    Medicine.CYP_INHIBITOR: (REVIEW, "raises ketamine exposure", "K16"),
}


def _indication_reasons(
    route: Route, screening: ScreeningInput, settings: EligibilitySettings
) -> list[Reason]:
    trd = is_treatment_resistant(screening, settings)
    dx = screening.diagnoses
    trials = screening.failed_adequate_antidepressant_trials
    if route is ESK:
        if trd:
            return [Reason(OK, f"TRD: {trials} failed adequate trials", f"{TRD_SOURCE}, S3")]
        if Diagnosis.MDD_WITH_ACUTE_SUICIDAL_IDEATION in dx:
            return [Reason(OK, "MDD with acute suicidal ideation or behaviour (label)", "S3")]
        return [
            Reason(
                EXCLUDED,
                "outside the US-labelled indications (TRD, or MDD with acute "
                "suicidal ideation); Medicare requires TRD",
                "S3, B7",
            )
        ]
    reasons: list[Reason] = []
    if route is Route.AT_HOME_SUBLINGUAL:
        reasons.append(
            Reason(
                REVIEW,
                "at-home self-administration: APA consensus strongly "
                "discourages it; FDA warning on compounded ketamine",
                "K7, H11",
            )
        )
    if trd:
        reasons.append(Reason(OK, f"TRD: {trials} failed adequate trials", TRD_SOURCE))
    elif Diagnosis.CHRONIC_PAIN in dx and route is Route.IV_RACEMIC:
        reasons.append(Reason(OK, "chronic pain: IV ketamine infusion regimens", "K15"))
    else:
        reasons.append(
            Reason(
                REVIEW,
                "off-label without TRD: review diagnosis, baseline "
                "severity and prior antidepressant trials",
                "K7",
            )
        )
    return reasons


def _vitals_reasons(vitals: VitalSigns | None, settings: EligibilitySettings) -> list[Reason]:
    if vitals is None:
        return [Reason(REVIEW, "no screening blood pressure recorded", "S1 §5.6")]
    if vitals.bp_above(settings.bp_exclude_above):
        return [
            Reason(
                EXCLUDED,
                f"BP {vitals.blood_pressure} above {settings.bp_exclude_above} at rest",
                "K18, S1 §5.6",
            )
        ]
    if vitals.bp_above(settings.bp_review_above):
        return [
            Reason(
                REVIEW,
                f"BP {vitals.blood_pressure} above {settings.bp_review_above}",
                "S1 §5.6, S6",
            )
        ]
    return []


def _cssrs_reasons(route: Route, risk: str | None) -> list[Reason]:
    if risk in (None, "none"):
        return []
    if risk == "high" and route is Route.AT_HOME_SUBLINGUAL:
        return [
            Reason(
                EXCLUDED,
                "C-SSRS high risk needs immediate evaluation and safety "
                "precautions; at-home doses are unsupervised",
                "Q8, K7",
            )
        ]
    return [Reason(REVIEW, f"latest C-SSRS: {risk} risk (high: immediate evaluation)", "Q8")]


def _medicine_reasons(screening: ScreeningInput, settings: EligibilitySettings) -> list[Reason]:
    reasons = [
        Reason(status, f"{medicine}: {why}", source)
        for medicine in sorted(screening.medicines)
        for status, why, source in [MEDICINE_RULES[medicine]]
    ]
    dose = screening.benzodiazepine_diazepam_equivalent_mg
    if dose is not None and dose > settings.benzodiazepine_note_above_diazepam_mg:
        reasons.append(
            Reason(
                REVIEW,
                f"benzodiazepine {dose:g} mg diazepam-equivalent: "
                "higher doses linked to non-response",
                "K17",
            )
        )
    return reasons


def _route_result(
    route: Route, screening: ScreeningInput, settings: EligibilitySettings
) -> EligibilityResult:
    reasons = _indication_reasons(route, screening, settings)
    reasons += _vitals_reasons(screening.vitals, settings)
    for item in sorted(screening.history):
        status, source = HISTORY_RULES[item][route]
        reasons.append(Reason(status, str(item), source))
    rule = HEPATIC_RULES.get(screening.hepatic_impairment)
    if rule is not None:
        status, source = rule[route]
        reasons.append(Reason(status, f"hepatic impairment {screening.hepatic_impairment}", source))
    reasons += _medicine_reasons(screening, settings)
    reasons += _cssrs_reasons(route, screening.latest_cssrs_risk)
    worst = max((r.status for r in reasons), key=_RANK.__getitem__, default=OK)
    return EligibilityResult(route, worst, tuple(reasons))


def assess(
    screening: ScreeningInput, settings: EligibilitySettings = EligibilitySettings()
) -> dict[Route, EligibilityResult]:
    """Eligibility for every route; the worst reason decides each route's status."""
    return {route: _route_result(route, screening, settings) for route in ALL_ROUTES}
