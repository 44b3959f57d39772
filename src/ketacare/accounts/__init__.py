"""Users, memberships, sign-in and the clinic admin's pages. No api.py: accounts, people and API
tokens are managed only from a signed-in, second-factor-verified page, never by a token."""
