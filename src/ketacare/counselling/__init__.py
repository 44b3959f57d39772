"""Counselling and integration: the therapist's sessions around the dosing sessions, with
notes signed by the therapist and amended, never edited. The notes are psychotherapy notes
(HIPAA 45 CFR 164.501): only the therapist and the prescriber read them."""
