"""The API root: /api/ with OpenAPI at /api/openapi.json and docs at /api/docs."""

from __future__ import annotations

from ketacare.api.auth import API_AUTH
from ketacare.api.errors import install_handlers
from ketacare.api.spec import KetaCareAPI, docs_for_callers
from ketacare.appointments.api import router as appointments_router
from ketacare.athome.api import router as athome_router
from ketacare.consent.api import router as consent_router
from ketacare.controlled.api import router as controlled_router
from ketacare.counselling.api import router as counselling_router
from ketacare.measures.api import router as measures_router
from ketacare.medications.api import router as medications_router
from ketacare.messaging.api import router as messaging_router
from ketacare.patients.api import router as patients_router
from ketacare.questionnaires.api import router as questionnaires_router
from ketacare.referrals.api import public_router as public_referrals_router
from ketacare.referrals.api import router as referrals_router
from ketacare.rems.api import router as rems_router
from ketacare.screening.api import router as screening_router
from ketacare.sessions.api import router as sessions_router
from ketacare.sessions.rems_api import router as session_rems_router
from ketacare.sessions.run_sheet_api import router as run_sheet_router
from ketacare.telehealth.api import router as telehealth_router
from ketacare.treatment.api import router as treatment_router
from ketacare.treatment.api_plan_changes import router as plan_changes_router

api = KetaCareAPI(
    title="KetaCare API",
    version="1",
    description="Patients and their care. Authenticate with `Authorization: Bearer <token>` "
    "(`ketacare createtoken EMAIL`) or a logged-in browser session. Lists are paged "
    "(`limit`, `offset`; the answer has `count` and a `next` link). Writes accept an "
    "`Idempotency-Key` header: a retry with the same key and body is recorded once. "
    "Requests are rate-limited per token (429 with `Retry-After`).",
    auth=API_AUTH,
    urls_namespace="api",
    docs_decorator=docs_for_callers,
)
install_handlers(api)
api.add_router("/patients", patients_router, tags=["patients"])
api.add_router("", measures_router, tags=["rating scales"])
api.add_router("", sessions_router, tags=["dosing sessions"])
api.add_router("", run_sheet_router, tags=["dosing sessions"])
api.add_router("", screening_router, tags=["screening"])
api.add_router("", medications_router, tags=["medications"])
api.add_router("", controlled_router, tags=["controlled substances"])
api.add_router("", counselling_router, tags=["counselling"])
api.add_router("", appointments_router, tags=["appointments"])
api.add_router("", treatment_router, tags=["treatment plans"])
api.add_router("", plan_changes_router, tags=["treatment plans"])
api.add_router("", consent_router, tags=["consent"])
api.add_router("", referrals_router, tags=["referrals"])
api.add_router("", messaging_router, tags=["messages"])
api.add_router("", rems_router, tags=["esketamine REMS"])
api.add_router("", session_rems_router, tags=["esketamine REMS"])
api.add_router("", telehealth_router, tags=["telehealth"])
api.add_router("", questionnaires_router, tags=["questionnaires"])
api.add_router("/public", public_referrals_router, tags=["public forms"])
api.add_router("", athome_router, tags=["at-home sessions"])
