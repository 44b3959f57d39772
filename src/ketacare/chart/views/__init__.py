"""The chart's pages: patients (list, register, chart, edit, portal access), scale_history,
trajectory (one scale's totals with the doses marked), session_start, audit_log."""
