"""A client generated from the spec (openapi-python-client) works with no special cases:
it pages through a list by its `next` link, writes with a token and an Idempotency-Key,
and gets the spec's 401 (not a CSRF error) without one. Real HTTP against a live server."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ketacare.accounts.models import ApiToken
from ketacare.config.api import api
from ketacare.patients.models import Patient
from tests.conftest import patient_data

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def kc_client(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The package openapi-python-client writes from our spec, imported as `kc_client`."""
    where = tmp_path_factory.mktemp("generated")
    (where / "openapi.json").write_text(json.dumps(api.get_openapi_schema()))
    (where / "config.yaml").write_text(
        "package_name_override: kc_client\nproject_name_override: kc-client\npost_hooks: []\n"
    )
    subprocess.run(
        [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none",
         "--output-path", str(where / "kc_client"), "--config", "config.yaml"],
        cwd=where, check=True, capture_output=True,
    )  # fmt: skip
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("kc_client")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == "kc_client" or m.startswith("kc_client.")]:
            del sys.modules[name]


def test_every_operation_has_its_own_readable_id():
    ids = Counter(
        operation["operationId"]
        for operations in api.get_openapi_schema()["paths"].values()
        for operation in operations.values()
    )
    assert ids and max(ids.values()) == 1 and "list_patients" in ids


def test_a_generated_client_pages_a_list_and_writes_with_a_token(kc_client, live_server, world):
    from kc_client.api.patients import create_patient, list_patients
    from kc_client.models import PatientIn, PatientOut

    Patient.objects.bulk_create(
        Patient(clinic=world.clinic_a, **patient_data(mrn=f"gen-{n}")) for n in range(4)
    )
    _, raw = ApiToken.issue(world.users_a["front_desk"])
    client = kc_client.AuthenticatedClient(base_url=live_server.url, token=raw)

    seen, limit, offset = [], 2, 0
    while True:
        page = list_patients.sync(client=client, limit=limit, offset=offset)
        assert page.count == 5  # the world's patient and the four above
        seen += [p.id for p in page.items]
        if not page.next_:  # the generator's name for `next` (a Python builtin)
            break
        query = parse_qs(urlparse(page.next_).query)
        limit, offset = int(query["limit"][0]), int(query["offset"][0])
    assert len(seen) == len(set(seen)) == 5  # every patient once

    body = PatientIn.from_dict(
        {"mrn": "gen-new", "first_name": "Gen", "last_name": "Erated",
         "date_of_birth": "1990-05-01", "sex": "female", "weight_kg": "70.0",
         "state_of_residence": "NY"}
    )  # fmt: skip
    first = create_patient.sync_detailed(client=client, body=body, idempotency_key="gen-1")
    retry = create_patient.sync_detailed(client=client, body=body, idempotency_key="gen-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert isinstance(first.parsed, PatientOut) and first.parsed.sex.value == "female"
    assert retry.parsed.id == first.parsed.id
    assert Patient.objects.filter(mrn="gen-new").count() == 1

    anonymous = kc_client.Client(base_url=live_server.url)
    refused = create_patient.sync_detailed(client=anonymous, body=body)
    assert refused.status_code == 401 and "CSRF" not in refused.parsed.detail
