"""Account pages, one module per page group: sign-in (login, TOTP, logout), account, passwords,
invitations (the invited person), staff and clinic (the clinic admin's pages)."""
