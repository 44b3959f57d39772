"""The patient's medication list and allergies: what the banner, the screening form and the
REMS form's concomitant-medicine questions read."""
