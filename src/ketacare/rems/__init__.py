"""The esketamine (Spravato) REMS: patient enrollment and the Patient Monitoring Form of every
session, its 7-day deadline and its submission (S10, S11); the rules are clinical/rems.py.

Where it sits: below `sessions` in the import-linter layers, because a session asks it two
questions (may an esketamine session start, i.e. is the patient enrolled; may it be signed,
i.e. is the form complete). So this app never imports `ketacare.sessions`: its form points
at the session by the string key "dosing_sessions.DosingSession" and reads the session object it is
handed or reaches through that key (its patient, dose, readings). The pages and API that
are named by a session (the form of one session, its PDF) live in `sessions` (rems_views,
rems_api), which reads the session through the gate and hands it here; the pages named by
a patient (enrollment) or by nothing (the clinic's list of forms due, its CSV) live here.
The other way round (REMS above sessions) would leave the session unable to refuse a start
or a signature without a cycle.
"""
