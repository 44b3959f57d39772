"""Account use cases, one module per subject: users (memberships, sessions, API tokens),
passwords, invitations, clinic (the clinic's settings and monitoring limits)."""
