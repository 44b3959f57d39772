"""Use cases take typed input: one dataclass or the core's type, not a raw dict of fields nor a
row of positional arguments that a caller can pass in the wrong order."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ketacare

MAX_POSITIONAL = 4  # e.g. actor, the record's id, and the input

# Left as they are, each for its reason (keep this list short; it is the to-do list).
ALLOWED = {
    # The audit entry's detail is free JSON by design.
    ("ketacare.audit.services", "record"),
    # A partial set of a patient's fields (the page's form, the API's PATCH); to be typed.
    ("ketacare.patients.services", "create_patient"),
    ("ketacare.patients.services", "update_patient"),
    # The same partial set of a patient's fields, passed on to create_patient; and a public
    # form's fields, which differ by kind of request (provider or self); to be typed.
    ("ketacare.referrals.services", "accept_as_new_patient"),
    ("ketacare.referrals.services", "submit"),
    # The fields become VitalSigns after the gate has read the session, so that a probe of
    # another clinic's session answers 404 whatever the body holds.
    ("ketacare.sessions.services", "record_vitals"),
    # A REMS form's entered fields by the core's keys (clinical/rems.py FIELDS), any subset:
    # the core parses each and names the one it refuses.
    ("ketacare.rems.services", "save_answers"),
    # The PK page's own form rules read the query, for the API as for the page.
    ("ketacare.treatment.services.pk", "predict_for"),
}


def _service_functions():
    for module in pkgutil.walk_packages(ketacare.__path__, "ketacare."):
        if ".services" not in module.name or ".migrations" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for name, function in vars(loaded).items():
            if inspect.isfunction(function) and function.__module__ == module.name:
                if not name.startswith("_") and (module.name, name) not in ALLOWED:
                    yield f"{module.name}.{name}", inspect.signature(function).parameters


def _positional(parameters):
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p for p in parameters.values() if p.kind in kinds]


def test_no_use_case_takes_a_raw_dict_of_fields():
    raw = [
        f"{where}({p.name})"
        for where, parameters in _service_functions()
        for p in parameters.values()
        if str(p.annotation).startswith(("dict", "Mapping", "QueryDict"))
    ]
    assert raw == []


def test_no_use_case_takes_more_than_four_positional_arguments():
    long = [where for where, parameters in _service_functions()
            if len(_positional(parameters)) > MAX_POSITIONAL]  # fmt: skip
    assert long == []


def test_the_allowed_exceptions_still_exist():
    # An entry whose function was typed or removed must leave the list.
    for module, name in ALLOWED:
        assert inspect.isfunction(getattr(importlib.import_module(module), name, None)), name
