"""KetaCare's clinical core: the clinic's rules as plain, typed Python (no Django, no I/O).

Every threshold cites its source key from `shared/domain/clinical.md` beside it; numbers
without a public source are clinic settings, labelled as such, or left out
(docs/clinical-rules.md lists them). Bad input raises a `ClinicalRuleError` subclass
(`ketacare.clinical.errors`: `InvalidAnswers`, `InvalidClinicalInput`, `DoseAboveLimit`,
`LooseningWithoutReason`, `UnknownInstrument`) whose message names the item or field.

Public API for the web layer (import the submodule, e.g.
`from ketacare.clinical import instruments`):

* `instruments.get(key).score(answers) -> ScoreResult(instrument, total, severity, flags,
  risk, subscales)`; `instruments.INSTRUMENTS` maps the keys
  phq9 gad7 pcl5 madrs qids-sr16 cssrs cadss to scales with items, answer range, answer
  wording, recall period, total range, bands, LOINC codes and sources.
* `outcomes.summarise(series, baseline, instrument, *, settings, dose_dates,
  iv_infusions_given) -> OutcomeSummary`; `outcomes.response_status`, `percent_change`.
* `eligibility.assess(ScreeningInput) -> dict[Route, EligibilityResult]`;
  `eligibility.is_treatment_resistant`.
* `dosing.calculate_dose(route, *, weight_kg, dose_mg_per_kg | dose_mg, override)
  -> DoseCalculation`; `dosing.check_infusion_rate`; `dosing.suggest_titration`.
* `protocols.generate_schedule(template, start, PatientContext, ClinicScheduleRules)
  -> tuple[ScheduledSession, ...]`; `protocols.TEMPLATES`; `protocols.next_maintenance_date`.
* `monitoring.predose_check(PredoseInput) -> PredoseDecision`;
  `monitoring.vitals_schedule(route)`; `monitoring.in_session_alerts(predose, current)`;
  `monitoring.discharge_readiness(DischargeInput) -> DischargeReadiness`.
* Shared types: `routes.Route`, `routes.Indication`, `vitals.VitalSigns`,
  `clinic_settings.MonitoringSettings` (tighten freely; loosening needs a reason).
"""
