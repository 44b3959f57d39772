"""The clinic calendar: rooms and chairs, opening hours and closed days, and appointments
(dosing, counselling, consultation, follow-up) that never double-book a chair or a person."""
