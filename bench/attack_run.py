"""The attack run of issue 8, repeated: KetaCare attacked over real HTTP on loopback.

Run:  .venv/bin/python bench/attack_run.py            (both servers, every attack in full)
      .venv/bin/python bench/attack_run.py --quick    (one server, fewer tries: CI)

Each server gets throwaway data in a temporary folder (SQLite): two clinics A and B with a
login of every role (real passwords, TOTP devices for staff, as production requires), a
patient in each with records of every kind, made by the test helpers
(tests/conftest.py, tests/web/test_every_route_isolated.py). Then the real server starts
on loopback: Django's development server, and gunicorn in production settings behind a
trusted proxy (as `ketacare serve` runs them; the API rate limits are lifted so that each
attack reaches the code it aims at: they have their own tests). Then every attack below,
by HTTP as a browser or client would send it, and last the audit chain forged in the
database. Prints per attack: tries, refused (the attack did not get what it tried),
succeeded; exits 1 if any attack succeeded or any answer was a 5xx.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "attack-run-Passphrase-2026"
STAFF = ("clinic_admin", "prescriber", "nurse", "therapist", "front_desk")
ROLES = (*STAFF, "patient")
EVIL = "https://evil.example/"
NAMES = ("Alice", "Bruno")  # the patients' first names (tests/conftest.py)
SEARCHED = ("Zebulon", "Quince")  # names typed into searches, never registered
XSS_PAYLOADS = (
    '<script>alert("kc1")</script>',
    '"><img src=x onerror=alert("kc2")>',
    "'><svg onload=alert('kc3')>",
    '</textarea><script>alert("kc4")</script>',
    '<a href="javascript:alert(5)">kc5</a>',
    "<iframe srcdoc='<script>alert(6)</script>'>kc6",
)
SQLI = (
    "' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE patients_patient; --",
    "' UNION SELECT email, password FROM accounts_user --",
    "1; SELECT pg_sleep(5) --",
    "%' AND 1=1 AND '%'='",
    "\\'; --",
)


# ---------------------------------------------------------------------------------------
# Throwaway data: run inside Django, in the target's environment, as a child process.


def seed() -> dict[str, Any]:
    """Two clinics, every role, a patient in each with records; printed as JSON."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from tests.conftest import World, make_clinic_world
    from tests.web.test_every_route_isolated import API_BODY, api_body, every_route, objects_of

    from ketacare.accounts.models import ApiToken
    from ketacare.measures.models import ScaleResponse

    world = World(*_two_clinics(make_clinic_world))

    def client_as(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    objects = {side: objects_of(world, client_as, side) for side in ("a", "b")}
    madrs = client_as(world.users_a["prescriber"]).post(
        f"/api/patients/{world.patient_a.public_id}/scales",
        json.dumps({"instrument": "madrs", "answers": [4] * 10}),
        content_type="application/json",
    )
    assert madrs.status_code == 201, madrs.content
    users: dict[str, dict[str, Any]] = {}
    for side, people in (("a", world.users_a), ("b", world.users_b)):
        users[side] = {}
        for role, user in people.items():
            user.set_password(PASSWORD)
            user.save()
            key = ""
            if role != "patient":
                key = TOTPDevice.objects.create(user=user, name="phone", confirmed=True).key
            users[side][role] = {"email": user.email, "id": user.pk, "totp": key}
        users[side]["token"] = ApiToken.issue(people["nurse"])[1]
    text = {side: {k: str(v) for k, v in objs.items()} for side, objs in objects.items()}
    return {
        "users": users,
        "objects": text,
        "madrs_id": str(ScaleResponse.objects.get(instrument="madrs").public_id),
        "routes_b": [url for url, _ in every_route(objects["b"])],
        "routes_a": [url for url, _ in every_route(objects["a"], with_objects_only=False)],
        "api_body": API_BODY,
        "api_bodies": {  # where a route names a field its own way (the route walk's bodies)
            url: json.loads(api_body(url))
            for url, _ in [*every_route(objects["a"]), *every_route(objects["b"])]
            if url.startswith("/api/")
        },
    }


def _two_clinics(make: Callable[[str, str], Any]) -> tuple[Any, ...]:
    clinic_a, users_a, patient_a = make("a", NAMES[0])
    clinic_b, users_b, patient_b = make("b", NAMES[1])
    return clinic_a, clinic_b, users_a, users_b, patient_a, patient_b


def inspect(objects: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the database holds after the run, for the checks HTTP cannot make."""
    from datetime import timedelta

    import django

    django.setup()
    from axes.models import AccessAttempt
    from django.utils import timezone

    from ketacare.audit.models import AuditEntry
    from ketacare.measures.models import ScaleResponse
    from ketacare.patients.models import Patient

    typed = [*SEARCHED, *NAMES, "winter2026"]
    audit_text = [
        json.dumps([e.detail, e.object_id, e.user_email]).lower()
        for e in AuditEntry.objects.filter(object_type__in=["patient_list", "user", "session"])
    ]
    throttle = json.dumps(list(AccessAttempt.objects.values()), default=str).lower()
    patient_b = Patient.objects.get(public_id=objects["b"]["patient_id"])
    own = ScaleResponse.objects.filter(patient__public_id=objects["a"]["patient_id"])
    two_days_ago = timezone.now() - timedelta(days=2)  # the run's data is all from today
    return {
        "names_in_audit": sum(t.lower() in text for t in typed for text in audit_text),
        "names_in_throttle": sum(t.lower() in throttle for t in typed),
        "patient_b": [patient_b.first_name, patient_b.last_name, patient_b.mrn],
        "madrs_totals": sorted(own.filter(instrument="madrs").values_list("total", flat=True)),
        "patient_backdated": [
            r.taken_at.isoformat()
            for r in own.filter(entered_by__memberships__role="patient", taken_at__lt=two_days_ago)
        ],
    }


def forge(variant: str) -> None:
    """Rewrite the audit chain in this database as an attacker without the key file would."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from tests.web import test_audit_keyed_chain as chain

    from ketacare.audit.migrations import _triggers
    from ketacare.audit.models import AuditChainHead, AuditEntry

    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    rehash = {
        "delete-one-rehash-plain-sha256": chain.plain_sha256,
        "delete-one-rehash-sha256-keeping-key-ids": chain.sha256_keeping_key_id,
        "delete-one-rehash-hmac-with-a-guessed-key": chain.hmac_with(b"k" * 32),
    }
    if variant in rehash:
        chain.forge([ids[len(ids) // 2]], rehash[variant])
    elif variant == "edit-one-detail-in-place":
        _triggers.remove(connection)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET detail = %s WHERE id = %s",
                           ['{"forged": true}', ids[len(ids) // 2]])  # fmt: skip
    elif variant == "truncate-the-tail-and-fix-the-head":
        _triggers.remove(connection)
        keep = AuditEntry.objects.get(id=ids[-4])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id > %s", [keep.id])
        AuditChainHead.objects.filter(pk=1).update(last_hash=keep.entry_hash, count=len(ids) - 3)
    else:
        raise SystemExit(f"unknown forgery {variant}")


FORGERIES = (
    "delete-one-rehash-plain-sha256",
    "delete-one-rehash-sha256-keeping-key-ids",
    "delete-one-rehash-hmac-with-a-guessed-key",
    "edit-one-detail-in-place",
    "truncate-the-tail-and-fix-the-head",
)


# ---------------------------------------------------------------------------------------
# Servers


@dataclass
class Target:
    name: str
    env: dict[str, str]
    var: Path
    production: bool
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(default_factory=Path)
    seed: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def headers(self) -> dict[str, str]:
        """A production server sits behind a TLS proxy: say the request came over https,
        and send the Origin a browser sends (Django's CSRF check compares it)."""
        if not self.production:
            return {}
        origin = f"https://127.0.0.1:{self.port}"
        return {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}

    @property
    def csrf_cookie(self) -> str:
        return "__Host-csrftoken" if self.production else "csrftoken"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_target(name: str, production: bool, work: Path) -> Target:
    var = work / name
    var.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "KETACARE_ENV", "DJANGO_SETTINGS_MODULE"}}  # fmt: skip
    env.update(KETACARE_VAR_DIR=str(var), KETACARE_REQUIRE_TOTP="true",
               RATE_LIMIT_API_PER_MINUTE="1000000", RATE_LIMIT_PUBLIC_PER_MINUTE="1000000",
               PYTHONPATH=str(ROOT), DJANGO_ALLOW_ASYNC_UNSAFE="true")  # fmt: skip
    if production:
        env.update(KETACARE_ENV="production", SECRET_KEY="attack-" + "q" * 56 + "-Zq7!",
                   ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false",
                   AUDIT_KEY_FILE=str(var / "audit-keys.json"),
                   KETACARE_TRUSTED_PROXIES="127.0.0.1")  # fmt: skip
    return Target(name, env, var, production)


def ketacare(target: Target, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(BIN / "ketacare"), *args], env=env or target.env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"ketacare {' '.join(args)}: {done.stderr}")
    return done.stdout


def run_self(target: Target, *args: str, env: dict[str, str] | None = None) -> str:
    """This script's own Django-side steps (seed, inspect, forge) in the target's env."""
    extra = {"ALLOWED_HOSTS": "127.0.0.1,testserver", "KETACARE_REQUIRE_TOTP": "false"}
    done = subprocess.run([sys.executable, __file__, *args],
                          env={**(env or target.env), **extra},
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {done.stderr[-3000:]}")
    return done.stdout


def prepare(target: Target) -> None:
    if target.production:
        ketacare(target, "audit", "init-key")
    ketacare(target, "migrate")
    target.seed = json.loads(run_self(target, "--internal", "seed").splitlines()[-1])


def start(target: Target, workers: int) -> None:
    target.port = free_port()
    target.log = target.var / "server.log"
    out = target.log.open("wb")
    argv = [str(BIN / "ketacare"), "serve", "--port", str(target.port), "--workers", str(workers)]
    target.process = subprocess.Popen(argv, env=target.env, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            httpx.get(target.base + "/healthz", headers=target.headers(), timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{target.name} did not start: {target.log.read_text()[-2000:]}")


def stop(target: Target) -> None:
    if target.process is not None and target.process.poll() is None:
        target.process.terminate()
        target.process.wait(timeout=30)


# ---------------------------------------------------------------------------------------
# A browser, as far as the server can tell


def totp(key_hex: str, step: int) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), as an authenticator app computes it."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


LAST_STEP: dict[str, int] = {}  # a code is accepted once: the next login uses the next step


def fresh_code(key_hex: str) -> str:
    """A code not used yet: the current step's, or the next one's (the server accepts one
    step of drift); when both are used, wait for the next step."""
    step = max(int(time.time()) // 30, LAST_STEP.get(key_hex, 0) + 1)
    if step > int(time.time()) // 30 + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.2)
    LAST_STEP[key_hex] = step
    return totp(key_hex, step)


class Agent:
    """Cookies kept by hand: production cookies are Secure (__Host-), sent by a browser over
    the TLS proxy, which this loopback client stands behind."""

    def __init__(self, target: Target, forwarded_for: str | None = None) -> None:
        self.target = target
        self.cookies: dict[str, str] = {}
        self.extra = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.http = httpx.Client(base_url=target.base, timeout=120, follow_redirects=False)

    def send(self, method: str, url: str, *, form: dict[str, Any] | None = None,
             body: Any = None, content: bytes | None = None, csrf: bool = True,
             headers: dict[str, str] | None = None) -> httpx.Response:  # fmt: skip
        sent = {**self.target.headers(), **self.extra, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        token = self.cookies.get(self.target.csrf_cookie)
        if csrf and token and method not in ("GET", "HEAD"):
            sent["X-CSRFToken"] = token
            if form is not None:
                form = {**form, "csrfmiddlewaretoken": token}
        if body is not None:
            content, sent["Content-Type"] = json.dumps(body).encode(), "application/json"
        response = self.http.request(method, url, data=form, content=content, headers=sent)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
                if morsel["max-age"] == "0":
                    self.cookies.pop(name)
        return response

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.send("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.send("POST", url, **kw)

    def log_in(self, email: str, password: str = PASSWORD, totp_key: str = "") -> httpx.Response:
        self.get("/accounts/login/")
        answer = self.post("/accounts/login/", form={"username": email, "password": password})
        if answer.status_code == 302 and totp_key:  # the next page asks for the code
            answer = self.post("/accounts/otp/verify/", form={"code": fresh_code(totp_key)})
        return answer


def agent_for(target: Target, side: str, role: str, *, second_factor: bool = True) -> Agent:
    user = target.seed["users"][side][role]
    agent = Agent(target)
    answer = agent.log_in(user["email"], totp_key=user["totp"] if second_factor else "")
    assert answer.status_code == 302, f"{role}@{side} could not log in: {answer.status_code}"
    return agent


# ---------------------------------------------------------------------------------------
# Tallies


@dataclass
class Tally:
    attack: str
    tries: int = 0
    refused: int = 0
    succeeded: int = 0
    errors: int = 0  # 5xx answers: never acceptable, whatever the attack
    found: list[str] = field(default_factory=list)

    def held(self, ok: bool, what: str = "") -> None:
        self.tries += 1
        if ok:
            self.refused += 1
        else:
            self.succeeded += 1
            if len(self.found) < 5:
                self.found.append(what)

    def answer(self, response: httpx.Response, ok: bool, what: str) -> None:
        if response.status_code >= 500:
            self.errors += 1
        self.held(ok and response.status_code < 500, f"{response.status_code} {what}")


FORM = {"note": "x", "reason": "x", "active": "0"}  # what the route walk posts to pages


def body_for(target: Target, url: str) -> Any:
    """A body the route's schema accepts, so that a write reaches the gate."""
    return target.seed["api_bodies"].get(url, target.seed["api_body"])


def shows_clinic_b(target: Target, response: httpx.Response) -> bool:
    """Clinic B's patient by name, or by id in an answer that is not a refusal (a 404 page
    in development repeats the URL asked for)."""
    patient_id = target.seed["objects"]["b"]["patient_id"]
    return NAMES[1] in response.text or (response.status_code < 300 and patient_id in response.text)


# ---------------------------------------------------------------------------------------
# The attacks. Each takes the target and the run's options and returns its tally.


def cross_clinic(target: Target, quick: bool) -> Tally:
    """Every route holding a clinic B object, by every role of clinic A: GET, POST, PATCH,
    DELETE. Only 404 (out of reach) or 405 (no such method) reveal nothing."""
    tally = Tally("cross-clinic reads and writes (every route x role x method)")
    roles = ("nurse", "patient") if quick else ROLES
    for role in roles:
        agent = agent_for(target, "a", role)
        for url in target.seed["routes_b"]:
            api = url.startswith("/api/")
            sends = [
                ("GET", {}),
                ("POST", {"body": body_for(target, url)} if api else {"form": FORM}),
                ("PATCH", {"body": {"first_name": "Mallory"}}),
                ("DELETE", {}),
            ]
            for method, kw in sends:
                response = agent.send(method, url, **kw)
                ok = response.status_code in (404, 405) and not shows_clinic_b(target, response)
                tally.answer(response, ok, f"{method} {url} as {role}")
    return tally


def stored_xss(target: Target, quick: bool) -> Tally:
    """Payloads into every text field clinic A's staff can write, then every page of clinic
    A read by staff and the patient; a payload shown unescaped anywhere is a success."""
    tally = Tally("stored XSS (payload x field, read back on every page)")
    objects = target.seed["objects"]["a"]
    payloads = XSS_PAYLOADS[:2] if quick else XSS_PAYLOADS
    admin, prescriber = agent_for(target, "a", "clinic_admin"), agent_for(target, "a", "prescriber")
    nurse = agent_for(target, "a", "nurse")
    patient = objects["patient_id"]
    readers = [("clinic_admin", admin), ("patient", agent_for(target, "a", "patient"))]
    if not quick:
        readers.append(("prescriber", prescriber))
    pages = [u for u in target.seed["routes_a"]
             if not u.startswith(("/api/", "/accounts/logout")) and "/password-reset/" not in u
             and not u.endswith(("/withdraw/", "/revoke/", "/unlock/", "/remove/", "/accept/",
                                 "/decline/", "/logout-everywhere/"))]  # fmt: skip
    shown = 0
    for n, payload in enumerate(payloads):
        short = payload[:100]
        writes = [
            nurse.send(
                "PATCH",
                f"/api/patients/{patient}",
                body={
                    "first_name": short,
                    "last_name": short,
                    "address": payload,
                    "emergency_contact_name": payload,
                    "referring_provider": payload,
                },
            ),
            nurse.send("PATCH", f"/api/patients/{patient}", body={"email": payload}),
            nurse.send("PATCH", f"/api/patients/{patient}", body={"phone": payload}),
            admin.post(
                "/clinic/",
                form={
                    "name": payload,
                    "address": payload,
                    "time_zone": "America/New_York",
                    "licensed_states": "NY",
                },
            ),
            admin.post(
                "/clinic/users/",
                form={
                    "email": f"x{n}@a.example",
                    "full_name": payload,
                    "role": "nurse",
                    "password": PASSWORD + "x",
                },
            ),
            nurse.post("/account/", form={"name": payload}),
            prescriber.post(
                f"/scales/{target.seed['madrs_id']}/correct/",
                form={**{f"item_{i}": "4" for i in range(1, 11)}, "reason": payload},
            ),
            nurse.post(
                f"/api/patients/{patient}/scales",
                body={
                    "instrument": "phq9",
                    "answers": [0] * 9,
                    "backdate_reason": payload,
                    "taken_at": time.strftime(
                        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 86400)
                    ),
                },
            ),
            prescriber.post(
                f"/api/alerts/{objects['alert_id']}/acknowledge", body={"note": payload}
            ),
            nurse.post(
                f"/api/sessions/{objects['session_id']}/acknowledge", body={"note": payload}
            ),
            nurse.post(
                f"/api/patients/{patient}/medications", body={"name": payload, "dose": short}
            ),
            nurse.post(
                f"/api/patients/{patient}/allergies",
                body={"substance": payload, "reaction": payload},
            ),
            nurse.post("/patients/", form={"q": payload}),  # reflected: the search box
        ]
        tally.tries += len(writes)
        for w in writes:
            if w.status_code >= 500:
                tally.errors += 1
                tally.found.append(f"{w.status_code} writing {short!r}")
        unescaped = 0
        for role, reader in readers:
            for url in pages:
                page = reader.get(url)
                if payload in page.text or html.escape(payload) in page.text:
                    shown += 1
                if payload in page.text and "html" in page.headers.get("content-type", ""):
                    unescaped += 1
                    tally.found.append(f"{payload!r} unescaped on {url} as {role}")
                if page.status_code >= 500:
                    tally.errors += 1
        tally.succeeded += min(unescaped, len(writes))
        tally.refused += len(writes) - min(unescaped, len(writes))
    tally.found.insert(0, f"(payloads shown escaped {shown} times)")
    return tally


def sql_injection(target: Target, quick: bool) -> Tally:
    """Injection strings in every search, filter and parameter: a 5xx, or rows that the
    text does not match, is a success."""
    tally = Tally("SQL injection (search, filters, paging, path parameters)")
    staff = agent_for(target, "a", "clinic_admin")
    nurse = agent_for(target, "a", "nurse")
    patient = target.seed["objects"]["a"]["patient_id"]
    for text in SQLI[:3] if quick else SQLI:
        found = nurse.post("/api/patients/search", body={"q": text})
        tally.answer(found, found.status_code in (200, 422) and _count(found) == 0,
                     f"API search {text!r}")  # fmt: skip
        page = nurse.post("/patients/", form={"q": text})
        listed = nurse.get(page.headers.get("location", "/patients/"))
        ok = listed.status_code == 200 and NAMES[0] not in listed.text
        tally.answer(listed, ok, f"page search {text!r}")
        for params in ({"limit": text}, {"offset": text}, {"q": text}):
            r = nurse.get("/api/patients/?" + str(httpx.QueryParams(params)))
            tally.answer(r, r.status_code == 422, f"API list {params}")
        for query in (
            {"action": text},
            {"user": text},
            {"patient": text},
            {"before": text},
            {"after": text},
            {"object_type": text},
            {"s": text},
            {"page": text},
        ):
            url = "/audit/" if "s" not in query and "page" not in query else "/patients/"
            r = staff.get(url + "?" + str(httpx.QueryParams(query)))
            tally.answer(r, r.status_code < 500 and "syntax" not in r.text.lower(),
                         f"{url} {query}")  # fmt: skip
        for url in (
            f"/patients/{patient}/scales/{text}/new/",
            f"/api/patients/{text}",
            f"/patients/{patient}/pk/?route={text}&dose_mg={text}",
        ):
            r = nurse.get(url.replace(" ", "%20").replace("#", "%23"))
            tally.answer(
                r,
                r.status_code in (400, 404, 422)
                or (r.status_code == 200 and "syntax" not in r.text.lower()),
                f"GET {url}",
            )
    return tally


def _count(response: httpx.Response) -> int:
    try:
        return int(response.json().get("count", 0))
    except (ValueError, AttributeError):
        return 0


def csrf(target: Target, quick: bool) -> Tally:
    """Every write route, logged in, without the CSRF token (as another site's form would
    post): anything but a refusal is a success."""
    tally = Tally("CSRF (every write without the token)")
    agent = agent_for(target, "a", "clinic_admin")
    forged = {"Origin": "https://evil.example", "Referer": EVIL}
    urls = [u for u in target.seed["routes_a"] if "/password-reset/" not in u]
    for url in urls[: 15 if quick else None]:
        api = url.startswith("/api/")
        kw = {"body": body_for(target, url)} if api else {"form": {"note": "x", "q": "x"}}
        for headers in ({}, forged):
            response = agent.send("POST", url, csrf=False, headers=headers, **kw)
            # A page refuses at the CSRF check (403) before its view runs; the API checks
            # the session's token (401/403) after finding the route (405 if it has no POST).
            ok = response.status_code in ((401, 403, 405) if api else (403,))
            tally.answer(response, ok, f"POST {url} {'cross-origin' if headers else ''}")
    return tally


def second_factor_skipped(target: Target, quick: bool) -> Tally:
    """Password only, no TOTP code: every API route and page of clinic A."""
    tally = Tally("TOTP skipped (session without second factor, API and pages)")
    for role in ("nurse",) if quick else STAFF:
        agent = agent_for(target, "a", role, second_factor=False)
        for url in target.seed["routes_a"]:
            if url.startswith(("/accounts/", "/healthz")):
                continue
            for method, kw in (("GET", {}), ("PATCH", {"body": {"first_name": "Mallory"}}),
                               ("POST", {"body": body_for(target, url)})):  # fmt: skip
                r = agent.send(method, url, **kw)
                if url.startswith("/api/"):
                    ok = r.status_code in (401, 404, 405) or url in (
                        "/api/openapi.json",
                        "/api/docs",
                    )
                else:
                    ok = r.status_code == 302 and "/accounts/otp/" in r.headers["location"]
                tally.answer(r, ok and NAMES[0] not in r.text, f"{method} {url} as {role}")
    return tally


def account_takeover(target: Target, quick: bool) -> Tally:
    """Clinic B's admin adds each clinic A user's email with a password of B's choosing,
    then deactivates, unlocks and removes them."""
    tally = Tally("cross-clinic account takeover (add email, then act on the user)")
    b_admin = agent_for(target, "b", "clinic_admin")
    for role in ("nurse", "prescriber") if quick else ROLES:
        victim = target.seed["users"]["a"][role]
        added = b_admin.post("/clinic/users/", form={
            "email": victim["email"].upper(), "role": "clinic_admin", "full_name": "Mallory",
            "password": "mallory-Chose-this-2026"})  # fmt: skip
        tally.answer(added, added.status_code in (200, 302, 422), f"add {role}@a")
        taken = Agent(target).log_in(victim["email"], "mallory-Chose-this-2026")
        tally.held(taken.status_code != 302, f"logged in as {role}@a with B's password")
        uid = victim["id"]
        for url in (
            f"/clinic/users/{uid}/active/",
            f"/clinic/users/{uid}/unlock/",
            f"/clinic/users/{uid}/remove/",
        ):
            r = b_admin.post(url, form={"active": "0"})
            tally.answer(r, r.status_code in (404, 405), f"POST {url} by B's admin on {role}@a")
        still = Agent(target)  # the victim's own password and code still work
        logged_in = still.log_in(victim["email"], totp_key=victim["totp"]).status_code == 302
        ok = logged_in and still.get("/account/").status_code == 200
        tally.held(ok, f"{role}@a lost their account")
    token = target.seed["users"]["a"]["token"]
    api = httpx.get(target.base + "/api/patients/", headers={
        **target.headers(), "Authorization": f"Bearer {token}"})  # fmt: skip
    tally.answer(api, api.status_code == 200, "A nurse's API token died")
    return tally


def patient_edits_clinical_record(target: Target, quick: bool) -> Tally:
    """The patient login: open clinician scales, correct a clinician's MADRS, backdate a
    self-report (API and page)."""
    tally = Tally("patient role: clinician scales, corrections, backdating")
    agent = agent_for(target, "a", "patient")
    patient = target.seed["objects"]["a"]["patient_id"]
    madrs = target.seed["madrs_id"]
    for scale in ("madrs", "cadss", "bprs"):  # clinician-rated, and a scale KetaCare lacks
        for method in ("GET", "POST"):
            r = agent.send(method, f"/patients/{patient}/scales/{scale}/new/",
                           form={f"item_{i}": "0" for i in range(1, 24)})  # fmt: skip
            tally.answer(r, r.status_code in (403, 404), f"{method} {scale} as patient")
        r = agent.post(
            f"/api/patients/{patient}/scales", body={"instrument": scale, "answers": [0] * 10}
        )
        tally.answer(r, r.status_code in (403, 404, 422), f"API {scale} as patient")
    for method in ("GET", "POST"):
        r = agent.send(
            method,
            f"/scales/{madrs}/correct/",
            form={**{f"item_{i}": "0" for i in range(1, 11)}, "reason": "better"},
        )
        tally.answer(r, r.status_code in (403, 404), f"{method} correct MADRS as patient")
    for when in ("0001-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "2026-01-01T00:00:00Z"):
        r = agent.post(f"/api/patients/{patient}/scales", body={
            "instrument": "phq9", "answers": [0] * 9, "taken_at": when,
            "backdate_reason": "earlier"})  # fmt: skip
        tally.answer(r, r.status_code in (403, 422), f"API PHQ-9 dated {when} as patient")
    r = agent.post(
        f"/patients/{patient}/scales/phq9/new/",
        form={**{f"item_{i}": "0" for i in range(1, 10)}, "taken_at": "2000-01-01"},
    )
    tally.answer(r, r.status_code in (200, 302), "page PHQ-9 with a date field as patient")
    return tally


OPEN_REDIRECTS = (
    EVIL,
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "http://127.0.0.1@evil.example/",
    "\\\\evil.example",
)


def open_redirect(target: Target, quick: bool) -> Tally:
    """`next=` on every route, and through the login and the second factor."""
    tally = Tally("open redirect (next= on every route, login, TOTP)")
    agent = agent_for(target, "a", "nurse")
    targets = OPEN_REDIRECTS[:3] if quick else OPEN_REDIRECTS
    pages = [u for u in target.seed["routes_a"] if not u.startswith("/api/")]
    staff = [target.seed["users"][side][role] for side in ("a", "b") for role in STAFF]
    for evil, user in zip(targets, staff * 2, strict=False):
        for url in pages[: 10 if quick else None]:
            r = agent.get(url + "?" + str(httpx.QueryParams({"next": evil})))
            tally.answer(r, not _offsite(r), f"GET {url}?next={evil}")
        fresh = Agent(target)
        fresh.get("/accounts/login/")
        r = fresh.post(
            "/accounts/login/?" + str(httpx.QueryParams({"next": evil})),
            form={"username": user["email"], "password": PASSWORD, "next": evil},
        )
        # Only a login that went through can show where it redirects.
        tally.answer(r, r.status_code == 302 and not _offsite(r), f"login next={evil}")
        r = fresh.post(
            "/accounts/otp/verify/?" + str(httpx.QueryParams({"next": evil})),
            form={"code": fresh_code(user["totp"]), "next": evil},
        )
        tally.answer(r, r.status_code == 302 and not _offsite(r), f"TOTP next={evil}")
    return tally


def _offsite(response: httpx.Response) -> bool:
    location = response.headers.get("location", "")
    if not location or response.status_code not in (301, 302, 303, 307, 308):
        return False
    parts = urlsplit(location.replace("\\", "/"))
    return bool(parts.netloc and parts.hostname != "127.0.0.1") or parts.scheme == "javascript"


def password_spraying(target: Target, quick: bool) -> Tally:
    """Two guesses on each of 12 accounts from one address (and, behind the trusted proxy,
    with rotating X-Forwarded-For hops in front of the real one). Every guess after the
    per-address limit (20) must be refused, and a colleague elsewhere still logs in."""
    tally = Tally("password spraying from one address" +
                  (" (behind the trusted proxy)" if target.production else ""))  # fmt: skip
    accounts = [u["email"] for side in ("a", "b") for u in target.seed["users"][side].values()
                if isinstance(u, dict)]  # fmt: skip
    limit = 20
    for n, email in enumerate(accounts * 2):
        hops = f"198.51.100.{n}, 203.0.113.66" if target.production else f"198.51.100.{n}"
        agent = Agent(target, forwarded_for=hops)  # the client's hops; spoofed but the last
        r = agent.log_in(email, "Winter2026!guess")
        if n < limit - 1:
            continue  # within the limit: checked, refused as a wrong password
        tally.answer(r, r.status_code == 429, f"guess {n + 1} on {email}")
    if target.production:  # one sprayer must not lock every client behind the proxy out
        colleague = Agent(target, forwarded_for="192.0.2.10")
        user = target.seed["users"]["b"]["front_desk"]
        ok = colleague.log_in(user["email"], totp_key=user["totp"])
        tally.held(ok.status_code == 302, "a colleague behind the proxy was locked out too")
    return tally


def names_in_urls(target: Target, quick: bool) -> Tally:
    """Names typed into searches (page and API), sent in query strings and Referers, and as
    a login name: none may reach a URL the server makes. The logs are read afterwards."""
    tally = Tally("patient names in URLs (searches, redirects, API)")
    agent = agent_for(target, "a", "front_desk")
    agent.get("/patients/?" + str(httpx.QueryParams({"q": " ".join(SEARCHED)})))
    agent.get("/patients/", headers={"Referer": f"{target.base}/patients/?q={NAMES[0]}"})
    in_query = agent.get("/api/patients/?" + str(httpx.QueryParams({"q": SEARCHED[0]})))
    tally.answer(in_query, in_query.status_code == 422, "the API searched a name in its URL")
    by_body = agent.post("/api/patients/search", body={"q": SEARCHED[1]})
    tally.answer(by_body, by_body.status_code == 200, "the API search by POST body failed")
    search = agent.post("/patients/", form={"q": f"{SEARCHED[0]} {NAMES[0]}"})
    location = search.headers.get("location", "")
    tally.answer(search, not any(n in location for n in (*SEARCHED, *NAMES)),
                 f"a searched name in the redirect URL {location}")  # fmt: skip
    shown = agent.get(location or "/patients/")
    tally.answer(shown, NAMES[0] in shown.text, "the search by token did not find the patient")
    failed = Agent(target).log_in(f"{SEARCHED[0]}@winter2026.example", "a-wrong-guess-1")
    tally.answer(failed, failed.status_code == 200, "a failed login")
    return tally


def names_kept(target: Target, database: dict[str, Any]) -> Tally:
    """After the run: the server's log, the audit log and the login throttle hold none of
    the names typed or searched."""
    tally = Tally("patient names in the server log, audit log, throttle")
    log = target.log.read_text(errors="replace")
    for name in (*SEARCHED, *NAMES):
        tally.held(name not in log, f"{name} in the server log")
    tally.held(database["names_in_audit"] == 0, "a typed name in the audit log")
    tally.held(database["names_in_throttle"] == 0, "a typed name in the login throttle")
    return tally


def server_errors(target: Target, quick: bool) -> Tally:
    """Inputs that once gave a 500 or an HTML error on the API."""
    tally = Tally("server errors (far dates, huge and mistyped bodies, 405/404, load)")
    prescriber = agent_for(target, "a", "prescriber")
    patient = target.seed["objects"]["a"]["patient_id"]
    r = prescriber.post(
        f"/patients/{patient}/plans/new/",
        form={"template": "iv-induction", "start_on": "9999-12-31"},
    )
    tally.answer(r, r.status_code == 422, "page plan starting 9999-12-31")
    r = prescriber.post(
        f"/api/patients/{patient}/plans",
        body={"template": "iv-induction", "start_on": "9999-12-31"},
    )
    tally.answer(r, r.status_code == 422 and _json(r), "API plan starting 9999-12-31")
    big = b'{"q": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    r = prescriber.send(
        "POST", "/api/patients/search", content=big, headers={"Content-Type": "application/json"}
    )
    tally.answer(r, r.status_code == 413 and _json(r), "10 MB JSON body")
    r = prescriber.send(
        "POST",
        "/api/patients/search",
        content=b'{"q": "x"}',
        headers={"Content-Type": "text/plain"},
    )
    tally.answer(r, r.status_code == 415 and _json(r), "JSON sent as text/plain")
    r = prescriber.send("PUT", "/api/patients/")
    tally.answer(r, r.status_code == 405 and _json(r), "405 on the API")
    r = prescriber.get("/api/no/such/path")
    tally.answer(r, r.status_code == 404 and _json(r), "unknown /api/ path")
    writers = 50 if quick else 200
    token = target.seed["users"]["a"]["token"]
    url = f"{target.base}/api/patients/{patient}/scales"
    headers = {**target.headers(), "Authorization": f"Bearer {token}"}

    def write(_: int) -> httpx.Response | str:
        try:
            return httpx.post(url, json={"instrument": "phq9", "answers": [1] * 9},
                              headers=headers, timeout=180)  # fmt: skip
        except httpx.TransportError as exc:  # not answered at all: the client retries
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=writers) as pool:
        answers = list(pool.map(write, range(writers)))
    answered = [r for r in answers if isinstance(r, httpx.Response)]
    for r in answered:
        busy = r.status_code == 503 and "Retry-After" in r.headers and _json(r)
        tally.answer(r, r.status_code == 201 or busy, f"concurrent write answered {r.status_code}")
    codes = Counter(r.status_code for r in answered)
    unanswered = Counter(r for r in answers if isinstance(r, str))
    tally.found.insert(
        0,
        f"({writers} concurrent writers answered {dict(sorted(codes.items()))}"
        f"{'; not answered: ' + str(dict(unanswered)) if unanswered else ''})",
    )
    return tally


def _json(response: httpx.Response) -> bool:
    return response.headers.get("content-type", "").startswith("application/json")


def forged_chain(target: Target, quick: bool) -> Tally:
    """In copies of the stopped server's database: each forgery, then `ketacare audit
    verify --anchor` with the anchor an operator took before; it must fail."""
    tally = Tally("forged audit chain (verify must fail)")
    anchor = ketacare(target, "audit", "anchor").strip()
    clean = ketacare(target, "audit", "verify", "--anchor", anchor)
    assert "chain intact" in clean, clean
    for variant in FORGERIES[:2] if quick else FORGERIES:
        copy = target.var.parent / f"{target.name}-{variant}"
        shutil.copytree(target.var, copy, ignore=shutil.ignore_patterns("static", "cache"))
        env = {**target.env, "KETACARE_VAR_DIR": str(copy)}
        if target.production:
            env["AUDIT_KEY_FILE"] = str(copy / "audit-keys.json")
        run_self(target, "--internal", "forge", variant, env=env)
        done = subprocess.run([str(BIN / "ketacare"), "audit", "verify", "--anchor", anchor],
                              env=env, capture_output=True, text=True)  # fmt: skip
        tally.held(done.returncode != 0, f"{variant} passed verification")
    return tally


# ---------------------------------------------------------------------------------------


ATTACKS: list[Callable[[Target, bool], Tally]] = [
    cross_clinic, second_factor_skipped, csrf, account_takeover, patient_edits_clinical_record,
    open_redirect, sql_injection, names_in_urls, stored_xss, server_errors,
]  # fmt: skip


def attack(target: Target, quick: bool) -> list[Tally]:
    started = time.perf_counter()
    prepare(target)
    start(target, workers=2)
    print(f"  [{target.name}] data and server: {time.perf_counter() - started:.0f} s",
          file=sys.stderr, flush=True)  # fmt: skip
    tallies: list[Tally] = []
    try:
        for run in ATTACKS:
            started = time.perf_counter()
            tallies.append(run(target, quick))
            print(f"  [{target.name}] {run.__name__}: {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
        tallies.append(password_spraying(target, quick))  # last: it locks the address out
    finally:
        stop(target)
    inspected = run_self(target, "--internal", "inspect", json.dumps(target.seed["objects"]))
    database = json.loads(inspected.splitlines()[-1])
    tallies.append(names_kept(target, database))
    tallies.append(_database_checks(target, database))
    tallies.append(forged_chain(target, quick))
    return tallies


def _database_checks(target: Target, database: dict[str, Any]) -> Tally:
    tally = Tally("records changed by the attacks (database after the run)")
    tally.held(database["patient_b"][0] == NAMES[1], f"clinic B's patient is now {database}")
    totals = database["madrs_totals"]
    tally.held(set(totals) == {40}, f"the clinician's MADRS of 40 is now {totals}")
    early = database["patient_backdated"]
    tally.held(not early, f"a patient's self-report dated {early}")
    return tally


def report(name: str, tallies: list[Tally]) -> None:
    print(f"\n{name}")
    print(f"  {'attack':<66}{'tries':>7}{'refused':>9}{'succeeded':>11}{'5xx':>6}")
    for t in tallies:
        print(f"  {t.attack:<66}{t.tries:>7}{t.refused:>9}{t.succeeded:>11}{t.errors:>6}")
        for what in t.found[:6]:
            print(f"      {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one server, fewer tries (CI)")
    parser.add_argument("--servers", default="", help="development,production (default both; "
                        "--quick: production)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--internal", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal:
        return internal(args.internal)
    names = args.servers or ("production" if args.quick else "development,production")
    work = Path(tempfile.mkdtemp(prefix="ketacare-attack-"))
    failed = False
    try:
        for name in names.split(","):
            target = make_target(name, name == "production", work)
            tallies = attack(target, args.quick)
            report(f"{name} server ({'gunicorn' if target.production else 'runserver'}, "
                   "SQLite)", tallies)  # fmt: skip
            failed |= any(t.succeeded or t.errors for t in tallies)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\nRESULT:", "an attack succeeded" if failed else "every attack refused")
    return 1 if failed else 0


def internal(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketacare.config.settings")
    sys.path.insert(0, str(ROOT))
    if argv[0] == "seed":
        print(json.dumps(seed()))
    elif argv[0] == "inspect":
        print(json.dumps(inspect(json.loads(argv[1]))))
    elif argv[0] == "forge":
        forge(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
