"""A working morning for locust: practitioners reading caseloads and cases, supervisors saving their
session's register, coordinators reviewing next week's plan, and the public sending nominations.

Run by `make bench-load` (benchmarks/load/run.py), which prepares the accounts and starts the server.
It stands in for browsers behind the platform's proxy, which ends HTTPS: every request carries
`X-Forwarded-Proto: https` and the address the proxy saw (`X-Forwarded-For`, read with
`TRUSTED_PROXY_COUNT=1`), and the Secure cookies go over the plain connection to gunicorn as they
would over the proxy's. Staff sign in as in production, with the password and a code from their
authenticator app. Each member of the public sends one nomination from an address of their own.

The environment: LOAD_ACCOUNTS (the accounts file), LOAD_THINK=0 for no pause between pages (the
single-user pass), LOAD_ACCOUNT_OFFSET (the first account used; -1 for the last)."""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from collections.abc import Callable
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", Path(__file__).resolve().parents[1] / "results/load/accounts.json"))
THINK = os.environ.get("LOAD_THINK", "1") != "0"
OFFSET = int(os.environ.get("LOAD_ACCOUNT_OFFSET", "0"))
TOTP_STEP = 30  # seconds, as django-otp's TOTP devices
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_REFUSED = "The code is not right"

_accounts: dict[str, Any] = {}
_next: dict[str, Any] = {}
_addresses = itertools.count(1)


def pause(low: float, high: float) -> Callable[..., float]:
    """Reading and typing time between pages (none in the single-user pass)."""
    return between(low, high) if THINK else constant(0)


def account(role: str) -> dict[str, Any]:
    """The next account of a role, each locust user its own while there are enough."""
    if not _accounts:
        _accounts.update(json.loads(ACCOUNTS.read_text()))
    people = _accounts[role]
    if role not in _next:
        start = OFFSET % len(people)
        _next[role] = itertools.cycle(people[start:] + people[:start])
    return {"password": _accounts["password"], **next(_next[role])}


def totp(key_hex: str, at: float) -> str:
    """The authenticator app's 6-digit code (RFC 6238, SHA-1, 30 s steps)."""
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", int(at) // TOTP_STEP), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def next_address(first: int = 100) -> str:
    """A client address of its own for each visitor (the proxy's X-Forwarded-For): staff in offices
    (10.x.x.x), the public anywhere (100.64.0.0/10)."""
    n = next(_addresses)
    second = (n >> 16) % 256 if first == 10 else 64 + (n >> 16) % 64
    return f"{first}.{second}.{(n >> 8) % 256}.{n % 256}"


class ThroughTheProxy(DefaultCookiePolicy):
    """Secure cookies are sent although the last hop (proxy to gunicorn) is plain HTTP."""

    def return_ok_secure(self, cookie: Any, request: Any) -> bool:
        return True


class Visitor(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(ThroughTheProxy())
        self.address = next_address()

    def headers(self, post: bool = False) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
        if post:
            headers["Origin"] = f"https://{self.host.split('://', 1)[-1].rstrip('/')}"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers

    def page(self, name: str, path: str) -> str:
        """GET a page that should answer 200; its HTML ('' when it did not)."""
        with self.client.get(path, name=name, headers=self.headers(), catch_response=True, allow_redirects=False) as r:
            if r.status_code == 200:
                r.success()
                return r.text or ""
            r.failure(f"{r.status_code} {r.headers.get('location') or ''}".strip())
            return ""

    def send(self, name: str, path: str, fields: list[tuple[str, str]], *, refused: str = "") -> tuple[str, str]:
        """POST a form that should answer with a redirect: (where to, ''), or ('', the page) when the
        page came back with `refused` in it (counted as answered, for the caller to handle)."""
        body = urlencode(fields)
        with self.client.post(
            path, name=name, data=body, headers=self.headers(post=True), catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code in (302, 303):
                r.success()
                return r.headers.get("location") or "", ""
            text = r.text or ""
            if r.status_code == 200 and refused and refused in text:
                r.success()
                return "", text
            r.failure("429 rate limited" if r.status_code == 429 else f"{r.status_code} instead of a redirect")
            return "", ""


class Staff(Visitor):
    abstract = True
    role = ""  # the accounts' list
    home_page = "home"

    def on_start(self) -> None:
        super().on_start()
        self.account = account(self.role)
        self.address = next_address(10)
        self.sign_in()

    def sign_in(self) -> None:
        """Username and password, then the code from the authenticator app; a code already used (the
        same account signed in within the same 30 s) is refused, so wait for the next one."""
        token = csrf(self.page("sign in: page", "/sign-in/"))
        fields = [("username", self.account["username"]), ("password", self.account["password"])]
        code_page, _ = self.send("sign in: password", "/sign-in/", [("csrfmiddlewaretoken", token), *fields])
        if not code_page:
            return
        token = csrf(self.page("sign in: code page", code_page))
        for _attempt in range(3):
            code = totp(self.account["totp_key"], time.time())
            home, again = self.send(
                "sign in: code", code_page, [("csrfmiddlewaretoken", token), ("code", code)], refused=CODE_REFUSED
            )
            if home:
                self.page(self.home_page, home)
                return
            token = csrf(again) or token
            time.sleep(TOTP_STEP - time.time() % TOTP_STEP + 0.5)


def csrf(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


def links(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, html)))


class Practitioner(Staff):
    """Reads their caseload and their cases, most of all the case pages."""

    weight = 10
    role = "practitioners"
    home_page = "home: practitioner"
    wait_time = pause(3, 12)
    cases: list[str] = []

    @task(1)
    def home(self) -> None:
        self.page(self.home_page, "/")

    @task(3)
    def caseload(self) -> None:
        self.cases = links(self.page("caseload", "/cases/"), r'href="(/cases/\d+/)"') or self.cases

    @task(1)
    def caseload_at_risk(self) -> None:
        self.page("caseload at risk", "/cases/?flag=at_risk")

    @task(6)
    def case(self) -> None:
        if not self.cases:
            return self.caseload()
        self.page("case page", random.choice(self.cases))

    @task(1)
    def hours(self) -> None:
        if self.cases:
            self.page("case: hours", random.choice(self.cases) + "hours/")


class Supervisor(Staff):
    """Their day, their session, and the register saved as people arrive and work (never closed,
    so the same session's register can be saved all morning; each save is the form's own
    idempotency key and version)."""

    weight = 4
    role = "supervisors"
    home_page = "home: supervisor"
    wait_time = pause(5, 15)

    @task(1)
    def day(self) -> None:
        self.page("supervisor's day", "/sessions/today/")

    @task(2)
    def session(self) -> None:
        self.page("session page", f"/sessions/{self.account['session_id']}/")

    @task(2)
    def register(self) -> None:
        path = f"/sessions/{self.account['session_id']}/register/"
        html = self.page("register page", path)
        if not html:
            return
        fields = [("csrfmiddlewaretoken", csrf(html)), ("action", "save")]
        fields += [(name, value) for name in ("idempotency_key", "version") for value in field_values(html, name)]
        for appointment in field_values(html, "appointment"):
            fields += [
                ("appointment", appointment),
                (f"a{appointment}-outcome", "attended_complied"),
                (f"a{appointment}-work_quality", random.choice(["good", "excellent"])),
                (f"a{appointment}-behaviour", "good"),
            ]
        where, _ = self.send("register save", path, fields)
        if where:
            self.page("session page", where)


def field_values(html: str, name: str) -> list[str]:
    """The values of a form's hidden fields or radios of this name."""
    return re.findall(rf'name="{re.escape(name)}"(?: type="radio")? value="([^"]*)"', html)


class Coordinator(Staff):
    """Reviews next week's plan for their PDU: the plan, the people in it, and nominations."""

    weight = 2
    role = "coordinators"
    home_page = "home: coordinator"
    wait_time = pause(5, 15)
    people: list[str] = []

    @task(1)
    def allocation(self) -> None:
        self.page("allocation", "/allocation/")

    @task(2)
    def plan(self) -> None:
        run = self.account["run_id"]
        self.people = links(
            self.page("plan review", f"/allocation/runs/{run}/"), rf'href="(/allocation/runs/{run}/people/\d+/)"'
        )

    @task(3)
    def person(self) -> None:
        if not self.people:
            return self.plan()
        self.page("plan: person", random.choice(self.people))

    @task(1)
    def nominations(self) -> None:
        self.page("nominations register", "/projects/nominations/")


POSTCODES = ["NE1 4ST", "M1 1AE", "LS1 4DY", "B1 1BB", "CF10 1EP", "SW1A 2AA", "L1 8JQ", "BS1 5TR", "NG1 5FS"]
WORK = ["Clearing litter and brambles from the footpath", "Painting the community hall", "Cutting back the hedges"]


class Public(Visitor):
    """A member of the public sends a nomination through the public form, from their own address:
    each time the task runs it is someone new (new address, no cookies)."""

    weight = 4
    wait_time = pause(4, 15)

    @task
    def nominate(self) -> None:
        self.client.cookiejar.clear()
        self.address = next_address()
        self.page("nominate: start", "/nominate/")
        n = random.randrange(1_000_000)
        answers = {
            "about-you": [
                ("nominator_name", f"Sam Walker {n}"),
                ("nominator_email", f"sam.walker.{n}@example.com"),
                ("nominator_phone", ""),
                ("on_behalf_of_group", "no"),
                ("organisation", ""),
            ],
            "the-work": [("work_description", f"{random.choice(WORK)} (reference {n})")],
            "where": [
                ("location", f"The park by the church, gate {n % 7 + 1}"),
                ("postcode", random.choice(POSTCODES)),
            ],
            "who-benefits": [("who_benefits", "Families and older people who use the park every day")],
            "how-you-heard": [],
        }
        for slug, fields in answers.items():
            self.wait()
            html = self.page("nominate: question", f"/nominate/{slug}/")
            if slug == "where":
                fields = [*fields, ("pdu", random.choice(re.findall(r'<option value="(\d+)"', html) or [""]))]
            if slug == "how-you-heard":
                fields = [("heard_about", random.choice(field_values(html, "heard_about") or [""]))]
            where, _ = self.send(
                "nominate: answer",
                f"/nominate/{slug}/",
                [("csrfmiddlewaretoken", csrf(html)), ("website", ""), *fields],
            )
            if not where:
                return
        self.wait()
        html = self.page("nominate: check", "/nominate/check-your-answers/")
        where, _ = self.send(
            "nominate: send", "/nominate/check-your-answers/", [("csrfmiddlewaretoken", csrf(html)), ("website", "")]
        )
        if where:
            self.page("nominate: confirmation", where)
