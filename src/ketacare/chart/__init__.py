"""The patient's pages: the one place allowed to combine many apps (import-linter layers).

Feature apps (measures, screening, sessions, treatment) sit below it and never import a page
of each other; a page that shows what several of them know about one patient (the list with
its alert marks, the chart, the scale history with the forecast, starting a session from
the plan) lives here, and so does the audit log, whose entries are named by patient.
"""
