"""The API root: /api/ with OpenAPI at /api/openapi.json and docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from ketacare.api.auth import API_AUTH
from ketacare.api.errors import install_handlers
from ketacare.measures.api import router as measures_router
from ketacare.patients.api import router as patients_router

api = NinjaAPI(
    title="KetaCare API",
    version="1",
    description="Patients and their care. Authenticate with `Authorization: Bearer <token>` "
    "(`ketacare createtoken EMAIL`) or a logged-in browser session.",
    auth=API_AUTH,
    urls_namespace="api",
)
install_handlers(api)
api.add_router("/patients", patients_router, tags=["patients"])
api.add_router("", measures_router, tags=["rating scales"])
