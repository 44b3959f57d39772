"""A monitoring form as the REMS asks for it: one session's form as a PDF (to fax or keep),
every form due as CSV (for whoever files them online). fpdf2: pure Python, already the
project's PDF library (DESIGN.md)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from fpdf import FPDF

from ketacare.clinical import rems as rule
from ketacare.rems.models import MonitoringForm
from ketacare.rems.values import FormValues

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """A leading quote makes a spreadsheet show the cell as text, never run it."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def due_csv(rows: Iterable[tuple[MonitoringForm, FormValues]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Due on", "Missing", *(f.label for f in rule.FIELDS)])
    for form, values in rows:
        missing = "; ".join(f.label for f in values.missing)
        cells = [form.due_on.isoformat(), missing, *(values.shown(f.key) for f in rule.FIELDS)]
        writer.writerow([safe_cell(c) for c in cells])
    return out.getvalue()


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: anything else prints as '?', never an error."""
    return text.encode("latin-1", "replace").decode("latin-1")


def form_pdf(form: MonitoringForm, values: FormValues) -> bytes:
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "SPRAVATO REMS - Patient Monitoring Form (data)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin1(
        f"Outpatient use. Submit within {rule.FORM_DUE_DAYS} days of the session, online or by "
        f"fax (S10, S11). Due on {form.due_on.isoformat()}. Prepared by KetaCare; the REMS form "
        "itself is the one to submit."
    ), new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    section = ""
    for field in rule.FIELDS:
        if field.section != section:
            section = field.section
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(0, 7, _latin1(section), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        value = values.shown(field.key)
        if field.key == "dose_mg":
            dose = values.values.get("dose_mg")
            value = rule.dose_box(float(dose)) if isinstance(dose, int | float) else value
        shown = value if value else "MISSING" if rule.is_missing(field.key, values.values) else "-"
        pdf.multi_cell(0, 6, _latin1(f"{field.label}: {shown}"), new_x="LMARGIN", new_y="NEXT")
    if form.submitted_on:
        pdf.ln(2)
        pdf.cell(0, 6, _latin1(f"Submitted on {form.submitted_on} ({form.submitted_via})"),
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    return bytes(pdf.output())
