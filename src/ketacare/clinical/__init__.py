"""KetaCare's clinical core: the clinic's rules as plain, typed Python (no Django, no I/O).

Every threshold cites its source key from `shared/domain/clinical.md` beside it; numbers
that are not sourced are clinic settings, labelled as such, or left out
(docs/clinical-rules.md lists them). Bad input raises a `ClinicalRuleError` subclass
(`ketacare.clinical.errors`) whose message names the item or field.

Public API for the web layer:

* `instruments.get(key).score(answers) -> ScoreResult` and the `instruments.INSTRUMENTS`
  registry (phq9 gad7 pcl5 madrs qids-sr16 cssrs cadss).
"""
