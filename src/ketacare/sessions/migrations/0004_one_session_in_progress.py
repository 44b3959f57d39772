from django.db import migrations, models


def refuse_if_a_patient_has_two_open_sessions(apps, schema_editor):
    """The constraint cannot be added over existing duplicates, and closing a session for the
    clinic would falsify the record: name them so a clinician discharges or closes them."""
    DosingSession = apps.get_model("dosing_sessions", "DosingSession")
    seen: dict[int, list[str]] = {}
    for patient_id, public_id in DosingSession.objects.filter(status="in_progress").values_list(
        "patient_id", "public_id"
    ):
        seen.setdefault(patient_id, []).append(str(public_id))
    doubles = {patient: ids for patient, ids in seen.items() if len(ids) > 1}
    if doubles:
        listing = "; ".join(f"patient {p}: sessions {', '.join(ids)}" for p, ids in doubles.items())
        raise RuntimeError(
            "Patients with more than one dosing session in progress: "
            f"{listing}. Discharge or close all but one, then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dosing_sessions", "0003_alert_acknowledgement"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_if_a_patient_has_two_open_sessions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="dosingsession",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "in_progress")),
                fields=("patient",),
                name="one_session_in_progress_per_patient",
            ),
        ),
    ]
