from django.urls import include, path

from ketacare.accounts.views import account, passwords, staff
from ketacare.accounts.views import clinic as clinics
from ketacare.accounts.views import invitations as invitation
from ketacare.accounts.views import signin as accounts
from ketacare.appointments import views as appointments
from ketacare.chart.views import audit_log, portal, scale_history, session_start, trajectory
from ketacare.chart.views import patients as chart
from ketacare.chart.views import today as today_views
from ketacare.config.api import api
from ketacare.consent import views as consent
from ketacare.controlled import dose_views as dose_pages
from ketacare.controlled import views as controlled
from ketacare.counselling import views as counselling
from ketacare.measures import views as measures
from ketacare.medications import views as medications
from ketacare.referrals import public_views as referral_public
from ketacare.referrals import views as referrals
from ketacare.rems import views as rems
from ketacare.screening import views as screening
from ketacare.sessions import rems_views as session_rems
from ketacare.sessions import run_sheet_views as run_sheet_pages
from ketacare.sessions import views as sessions
from ketacare.treatment.views import pk as treatment
from ketacare.treatment.views import plan_changes
from ketacare.treatment.views import plans as plan_views
from ketacare.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("portal/", portal.portal_home, name="portal-home"),
    path("learn/", include("ketacare.education.urls")),
    path("", include("ketacare.questionnaires.urls")),
    path("", include("ketacare.athome.urls")),
    path("", include("ketacare.telehealth.urls")),
    path("messages/", include("ketacare.messaging.urls")),
    path("clinic/switch/", web.switch_clinic, name="switch-clinic"),
    path("accounts/login/", accounts.EmailLoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/logout-everywhere/", accounts.logout_everywhere, name="logout-everywhere"),
    path("accounts/otp/setup/", accounts.otp_setup, name="otp-setup"),
    path("account/", account.account, name="account"),
    # Under /account/, not /accounts/: a staff session still owing its TOTP code cannot use it.
    path("account/password/", passwords.ChangePasswordView.as_view(), name="password-change"),
    path("accounts/password-reset/", passwords.ResetRequestView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        passwords.ResetSentView.as_view(),
        name="password-reset-sent",
    ),  # fmt: skip
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        passwords.ResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),  # fmt: skip
    path(
        "accounts/password-reset/done/",
        passwords.ResetCompleteView.as_view(),
        name="password-reset-complete",
    ),  # fmt: skip
    path("account/tokens/<int:token_id>/revoke/", account.revoke_token, name="token-revoke"),
    path("accounts/otp/verify/", accounts.otp_verify, name="otp-verify"),
    path("patients/", chart.patient_list, name="patient-list"),
    path("patients/new/", chart.patient_create, name="patient-create"),
    path("patients/<uuid:public_id>/", chart.patient_chart, name="patient-chart"),
    path("patients/<uuid:public_id>/edit/", chart.patient_edit, name="patient-edit"),
    path("patients/<uuid:public_id>/portal/", chart.portal_access, name="patient-portal-access"),
    path("patients/<uuid:public_id>/scales/", scale_history.scale_history, name="scale-history"),
    path(
        "patients/<uuid:public_id>/scales/<slug:instrument>/new/",
        measures.record_scale,
        name="scale-record",
    ),
    path(
        "patients/<uuid:public_id>/scales/<slug:instrument>.svg",
        trajectory.trajectory,
        name="scale-trajectory",
    ),
    path("scales/<uuid:response_id>/correct/", measures.amend_scale, name="scale-amend"),
    path(
        "alerts/<uuid:alert_id>/acknowledge/", measures.acknowledge_alert, name="alert-acknowledge"
    ),  # fmt: skip
    path("patients/<uuid:public_id>/pk/", treatment.pk_page, name="pk-prediction"),
    path(
        "patients/<uuid:public_id>/counselling/",
        counselling.patient_counselling,
        name="counselling-list",
    ),
    path("counselling/<uuid:counselling_id>/", counselling.note, name="counselling-note"),
    path(
        "counselling/<uuid:counselling_id>/<slug:what>/",
        counselling.note_action,
        name="counselling-note-action",
    ),
    path("today/", today_views.today, name="today"),
    path("today/panel/", today_views.today_panel, name="today-panel"),
    path("calendar/", appointments.calendar, name="calendar"),
    path("calendar/setup/", appointments.setup, name="calendar-setup"),
    path("calendar/feed/", appointments.feed_settings, name="calendar-feed-settings"),
    path("calendar/feed/<str:token>.ics", appointments.feed, name="calendar-feed"),
    path("patients/<uuid:public_id>/appointments/new/", appointments.book, name="appointment-new"),
    path("appointments/<uuid:appointment_id>/", appointments.appointment, name="appointment"),
    path(
        "appointments/<uuid:appointment_id>/check-in/",
        appointments.check_in,
        name="appointment-check-in",
    ),
    path("controlled/", controlled.ledger, name="controlled-ledger"),
    path("controlled/receipts/", controlled.receive, name="controlled-receive"),
    path("controlled/export.csv", controlled.export_csv, name="controlled-export"),
    path("controlled/lots/<uuid:lot_id>/", controlled.lot_detail, name="controlled-lot"),
    path(
        "controlled/lots/<uuid:lot_id>/<slug:what>/",
        controlled.lot_action,
        name="controlled-lot-action",
    ),
    path(
        "controlled/entries/<uuid:entry_id>/reverse/",
        controlled.reverse_entry,
        name="controlled-reverse",
    ),
    path(
        "patients/<uuid:public_id>/medications/",
        medications.medication_list,
        name="medication-list",
    ),
    path(
        "patients/<uuid:public_id>/medications/add/",
        medications.add_medication,
        name="medication-add",
    ),
    path("patients/<uuid:public_id>/allergies/add/", medications.add_allergy, name="allergy-add"),
    path(
        "medications/<uuid:medication_id>/stop/",
        medications.stop_medication,
        name="medication-stop",
    ),
    path("allergies/<uuid:allergy_id>/remove/", medications.remove_allergy, name="allergy-remove"),
    path("patients/<uuid:public_id>/plans/new/", plan_views.new_plan, name="plan-new"),
    path("plans/<uuid:plan_id>/", plan_views.plan_detail, name="plan-detail"),
    path("plans/<uuid:plan_id>/sign/", plan_changes.sign, name="plan-sign"),
    path("plans/<uuid:plan_id>/change/", plan_changes.revise, name="plan-revise"),
    path("plans/<uuid:plan_id>/book/", plan_changes.book, name="plan-book"),
    path(
        "planned-sessions/<uuid:planned_id>/mark/", plan_changes.mark, name="planned-session-mark"
    ),  # fmt: skip
    path("patients/<uuid:public_id>/screening/", screening.new_screening, name="screening-new"),
    path("screenings/<uuid:screening_id>/", screening.screening_detail, name="screening-detail"),
    path(
        "patients/<uuid:public_id>/sessions/new/", session_start.start_session, name="session-new"
    ),
    path("sessions/<uuid:session_id>/", sessions.session_detail, name="session-detail"),
    path("sessions/<uuid:session_id>/vitals/", sessions.add_reading, name="session-reading"),
    path("sessions/<uuid:session_id>/discharge/", sessions.discharge, name="session-discharge"),
    path(
        "sessions/<uuid:session_id>/alerts/acknowledge/",
        sessions.acknowledge_alerts,
        name="session-acknowledge",
    ),
    path(
        "sessions/<uuid:session_id>/adverse-events/",
        run_sheet_pages.add_adverse_event,
        name="session-adverse-event",
    ),
    path(
        "sessions/<uuid:session_id>/sedation/",
        run_sheet_pages.add_sedation,
        name="session-sedation",
    ),
    path(
        "sessions/<uuid:session_id>/dissociation/",
        run_sheet_pages.add_dissociation,
        name="session-dissociation",
    ),
    path("sessions/<uuid:session_id>/sign/", run_sheet_pages.sign, name="session-sign"),
    path("sessions/<uuid:session_id>/amend/", run_sheet_pages.amend, name="session-amend"),
    path("sessions/<uuid:session_id>/dose/", dose_pages.record_dose, name="session-dose"),
    path("sessions/<uuid:session_id>/rems/", session_rems.session_form, name="session-rems"),
    path(
        "sessions/<uuid:session_id>/rems/submitted/",
        session_rems.mark_submitted,
        name="session-rems-submitted",
    ),
    path("sessions/<uuid:session_id>/rems.pdf", session_rems.pdf, name="session-rems-pdf"),
    path("patients/<uuid:public_id>/rems/", rems.enrollment, name="rems-enrollment"),
    path("rems/", rems.due_list, name="rems-due"),
    path("rems/due.csv", rems.due_export, name="rems-due-csv"),
    path("sessions/<uuid:session_id>/vitals.svg", sessions.vitals_chart, name="session-vitals-svg"),
    path("patients/<uuid:public_id>/pk.svg", treatment.pk_svg, name="pk-svg"),
    path("audit/", audit_log.audit_log, name="audit-log"),
    path("clinic/", clinics.clinic_settings, name="clinic-settings"),
    path("clinic/monitoring/", clinics.monitoring_limits, name="clinic-monitoring"),
    path("clinic/consent/", consent.document_list, name="consent-documents"),
    path("clinic/consent/new/", consent.publish, name="consent-publish"),
    path(
        "clinic/consent/<uuid:document_id>/", consent.document_detail, name="consent-document"
    ),  # fmt: skip
    path("patients/<uuid:public_id>/consent/", consent.patient_consent, name="patient-consent"),
    path(
        "patients/<uuid:public_id>/consent/<slug:topic>/sign/", consent.sign, name="consent-sign"
    ),  # fmt: skip
    path(
        "patients/<uuid:public_id>/consent/<slug:topic>/withdraw/",
        consent.withdraw,
        name="consent-withdraw",
    ),
    path("clinic/users/", staff.staff_list, name="staff-list"),
    path("clinic/users/<int:user_id>/unlock/", staff.staff_unlock, name="staff-unlock"),
    path("clinic/users/<int:user_id>/remove/", staff.staff_remove, name="staff-remove"),
    path(
        "clinic/invitations/<uuid:invitation_id>/withdraw/",
        staff.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("account/invitations/", invitation.my_invitations, name="my-invitations"),
    path(
        "account/invitations/<uuid:invitation_id>/accept/",
        invitation.accept,
        name="invitation-accept",
    ),
    path(
        "account/invitations/<uuid:invitation_id>/decline/",
        invitation.decline,
        name="invitation-decline",
    ),
    # Public, no login: a clinic's referral and consultation forms (referrals.public_views).
    path("c/<slug:clinic_slug>/refer/", referral_public.refer, name="referral-form"),
    path(
        "c/<slug:clinic_slug>/consultation/",
        referral_public.consultation,
        name="consultation-form",
    ),
    path("c/<slug:clinic_slug>/sent/", referral_public.sent, name="referral-sent"),
    path("referrals/", referrals.queue, name="referral-queue"),
    path("referrals/<uuid:referral_id>/", referrals.detail, name="referral-detail"),
    path("referrals/<uuid:referral_id>/accept/", referrals.accept, name="referral-accept"),
    path("referrals/<uuid:referral_id>/link/", referrals.link, name="referral-link"),
    path("referrals/<uuid:referral_id>/decline/", referrals.decline, name="referral-decline"),
    path(
        "referrals/<uuid:referral_id>/more-info/",
        referrals.ask_for_more,
        name="referral-more-info",
    ),
    path("api/", api.urls),
]
