"""The clinic (tenant) and its monitoring limits: tables and reads only. No views, forms or api.py:
the clinic's settings are an admin's acts, in accounts (views/clinic.py, services/clinic.py)."""
