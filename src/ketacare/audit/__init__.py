"""The keyed, append-only audit chain. No views or api.py: the log is read on the audit page
(chart.views.audit_log), which names patients through the gate, and checked by `ketacare audit`."""
