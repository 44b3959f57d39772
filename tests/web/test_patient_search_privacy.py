"""Patient names stay out of URLs: the search is POSTed and kept in the session behind an
opaque token, which paging and the back button use. A URL reaches access logs, browser
history and Referer headers; a name in it would be disclosed to all three."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from ketacare.patients import search
from ketacare.patients.models import Patient

pytestmark = pytest.mark.django_db


def search_for(client: Client, term: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("patient-list"), {"q": term}, headers=headers)


def test_a_search_redirects_to_a_url_without_the_name(world, client_as):
    client = client_as(world.users_a["front_desk"])
    response = search_for(client, "Alice Test")
    assert response.status_code == 302
    location = response["Location"]
    assert "alice" not in location.lower() and "test" not in location.lower()
    assert set(parse_qs(urlsplit(location).query)) == {"s"}
    page = client.get(location).content.decode()
    assert "Alice" in page and 'value="Alice Test"' in page  # the box shows the term again


def test_live_search_pushes_a_url_without_the_name(world, client_as):
    client = client_as(world.users_a["front_desk"])
    partial = search_for(client, "Alice", **{"HX-Request": "true"})
    assert "Alice" in partial.content.decode() and "<html" not in partial.content.decode()
    assert "Alice" not in partial["HX-Push-Url"]
    assert client.get(partial["HX-Push-Url"]).context["q"] == "Alice"


def test_the_search_form_posts(world, client_as):
    page = client_as(world.users_a["nurse"]).get(reverse("patient-list")).content.decode()
    form = page.split('role="search"')[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form and "hx-get" not in page


def test_a_name_in_the_query_string_is_not_searched(world, client_as):
    client = client_as(world.users_a["front_desk"])
    response = client.get(reverse("patient-list"), {"q": "zzz-no-such-patient"})
    assert response.context["q"] == "" and "Alice" in response.content.decode()


def test_another_sessions_token_or_an_expired_one_finds_nothing_of_it(world, client_as, settings):
    owner = client_as(world.users_a["front_desk"])
    location = search_for(owner, "Alice")["Location"]
    stranger = Client()
    stranger.force_login(world.users_a["nurse"])
    page = stranger.get(location, follow=True)
    assert page.context["q"] == "" and "search has expired" in page.content.decode()
    session = owner.session
    token = parse_qs(urlsplit(location).query)["s"][0]
    kept = session[search.SESSION_KEY]
    kept[token]["at"] -= search.LIFETIME_SECONDS
    session[search.SESSION_KEY] = kept
    session.save()
    assert "search has expired" in owner.get(location, follow=True).content.decode()


def test_paging_through_search_results_keeps_the_search_and_no_name(world, client_as):
    Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic_a,
            mrn=f"P-{i:03d}",
            first_name="Zelda",
            last_name=f"Q{i:03d}",
            date_of_birth=date(1980, 1, 1),
            sex="female",
            weight_kg=60,
            state_of_residence="NY",
        )  # fmt: skip
        for i in range(60)
    )
    client = client_as(world.users_a["front_desk"])
    first = client.get(search_for(client, "Zelda")["Location"])
    assert len(first.context["patients"]) == 50
    html = first.content.decode()
    assert "1–50 of 60" in html and "Alice" not in html
    next_url = first.context["pager"].next_url
    assert "zelda" not in next_url.lower() and "page=2" in next_url
    second = client.get(next_url)
    assert len(second.context["patients"]) == 10 and second.context["q"] == "Zelda"
    assert second.context["pager"].next_url == "" and second.context["pager"].previous_url
    everyone = client.get(reverse("patient-list"), {"page": "2"})
    assert len(everyone.context["patients"]) == 11  # 61 patients in clinic A, 50 a page
    assert client.get(reverse("patient-list"), {"page": "x"}).context["pager"].page == 1


def test_only_the_latest_searches_keep_a_token():
    session: dict[str, object] = {}
    tokens = [search.remember(session, f"term {i}") for i in range(search.KEEP + 1)]
    assert search.recall(session, tokens[0]) is None
    assert search.recall(session, tokens[-1]) == f"term {search.KEEP}"
    assert search.remember(session, "") == "" and search.recall(session, "") == ""


def latest_list_entry():  # type: ignore[no-untyped-def]
    from ketacare.audit.models import AuditEntry

    return AuditEntry.objects.filter(object_type="patient_list").latest("id")


def test_the_list_audit_entry_says_a_search_happened_not_what_was_typed(world, client_as):
    import json

    client = client_as(world.users_a["front_desk"])
    client.get(search_for(client, "Alice Test")["Location"])
    entry = latest_list_entry()
    assert entry.detail["searched"] is True
    assert entry.detail["patients"] == [str(world.patient_a.public_id)]
    assert "alice" not in json.dumps(entry.detail).lower()
    client.get(reverse("patient-list"))
    assert latest_list_entry().detail["searched"] is False


def api_auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from ketacare.accounts.models import ApiToken

    _, raw = ApiToken.issue(user)
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_refuses_a_search_term_in_the_query_string_naming_the_field(world):
    answer = Client().get("/api/patients/", {"q": "Alice"},
                          headers=api_auth(world.users_a["front_desk"]))  # fmt: skip
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["loc"] == ["query", "q"] and "POST /api/patients/search" in error["msg"]


def test_the_api_searches_by_a_posted_body_and_pages_by_offset(world):
    import json

    from ketacare.audit.models import AuditEntry

    Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic_a,
            mrn=f"Z-{i}",
            first_name="Zelda",
            last_name=f"Q{i}",
            date_of_birth=date(1980, 1, 1),
            sex="female",
            weight_kg=60,
            state_of_residence="NY",
        )  # fmt: skip
        for i in range(3)
    )
    client, auth = Client(), api_auth(world.users_a["front_desk"])

    def search_api(body):  # type: ignore[no-untyped-def]
        return client.post("/api/patients/search", json.dumps(body),
                           content_type="application/json", headers=auth)  # fmt: skip

    first = search_api({"q": "zelda", "limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["next_offset"] == 2
    rest = search_api({"q": "zelda", "limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    assert {p["first_name"] for p in body["items"] + rest["items"]} == {"Zelda"}
    assert search_api({"q": "zelda"}).json()["count"] == 3  # clinic B's Bruno stays out
    assert search_api({"q": "Bruno"}).json()["count"] == 0
    assert "zelda" not in json.dumps(latest_list_entry().detail).lower()
    assert AuditEntry.objects.filter(object_type="patient_list").count() >= 3
    too_long = search_api({"q": "x" * 101})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"][-1] == "q"


def test_the_api_search_refuses_a_boolean_offset(world, client_as):
    import json as _json

    client = client_as(world.users_a["nurse"])
    body = {"q": "Test", "offset": False}
    response = client.post(
        "/api/patients/search", _json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422 and "offset" in _json.dumps(response.json()["detail"])
