"""Proves, through nginx, what the README's deployment section promises (run by scripts/deploy-check.sh).

Each check prints PASS or FAIL with what it saw; the exit status is the number of failures.
Environment: CHECK_URL (nginx's https address), CHECK_ORG, CHECK_EMAIL, CHECK_PASSWORD (an admin of
CHECK_ORG), CHECK_VICTIM (another account, for the throttling), CHECK_ACCESS_LOG (nginx's log lines: method,
uri, status, upstream), CHECK_REDIS_URL, LOGIN_RATE_LIMIT.
"""

import http.client
import json
import os
import re
import ssl
import sys
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import redis
from limits import parse

URL = os.environ["CHECK_URL"]
ORG = os.environ["CHECK_ORG"]
EMAIL = os.environ["CHECK_EMAIL"]
PASSWORD = os.environ["CHECK_PASSWORD"]
VICTIM = os.environ["CHECK_VICTIM"]
ACCESS_LOG = os.environ["CHECK_ACCESS_LOG"]
REDIS_URL = os.environ["CHECK_REDIS_URL"]
LIMIT = parse(os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")).amount

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """A browser of one: cookies kept by name, redirects not followed, every request a new connection."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        self.address = address  # the client's own address (any of 127.0.0.0/8 reaches nginx on 127.0.0.1)
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []
        parts = urlsplit(URL)
        self.host, self.port = parts.hostname, parts.port or 443
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # the check's own self-signed certificate

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=30, source_address=(self.address, 0)
        )
        sent = {"Host": "strategi.example.dk", "Accept-Language": "da", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, text

    def csrf(self, path: str) -> str:
        _response, page = self.request("GET", path)
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, form: dict, referer: bool = True, token: str = "", headers: dict | None = None):
        form = {"csrf_token": token or self.csrf(path), **form}
        sent = {"Referer": f"https://strategi.example.dk{path}"} if referer else {}
        return self.request("POST", path, form, sent | (headers or {}))

    def log_in(self, email: str, password: str):
        return self.post("/login", {"email": email, "password": password})


def upstreams_since(offset: int) -> list[tuple[str, str, str, str]]:
    """(method, uri, status, upstream) of the requests nginx logged after `offset` bytes."""
    with open(ACCESS_LOG, encoding="utf-8") as log:
        log.seek(offset)
        return [tuple(line.split()) for line in log if line.strip()]


def log_size() -> int:
    time.sleep(0.2)  # nginx writes its log line after the response
    return os.path.getsize(ACCESS_LOG)


def check_health(_browser: Browser) -> str:
    response, text = Browser().request("GET", "/healthz")
    report = json.loads(text)
    assert response.status == 200, (response.status, text)
    assert report == {"status": "ok", "database": "ok", "redis": "ok"}, report
    return text.strip()


def check_forwarded_proto(browser: Browser) -> str:
    """nginx ends TLS and says so in X-Forwarded-Proto; the app must believe it (ProxyFix)."""
    response, _page = browser.log_in(EMAIL, PASSWORD)
    assert response.status == 302, response.status
    session = [h for h in browser.set_cookie_headers if h.startswith("session=")]
    assert session and all("Secure" in h and "HttpOnly" in h for h in session), session
    assert "max-age" in (response.getheader("Strict-Transport-Security") or ""), "no HSTS"
    # Flask-WTF checks the Referer of https requests only: refused without one means the app saw https.
    anonymous = Browser()
    refused, text = anonymous.post("/login", {"email": VICTIM, "password": "x"}, referer=False)
    assert refused.status == 400, (refused.status, text[:300])
    return f"secure session cookie, HSTS, https referer check active ({refused.status} without Referer)"


def check_write_shows_on_both(browser: Browser) -> str:
    home = f"/o/{ORG}/"
    title = f"Tjekstrategi {time.time_ns()}"
    for _ in range(2):  # both instances have shown (and may have cached) the list before the write
        response, page = browser.request("GET", home)
        assert response.status == 200 and title not in page
    start = log_size()
    response, _page = browser.post(
        f"/o/{ORG}/strategies/new",
        {"title": title, "vision": "", "period_start": "2026-01-01", "period_end": "2030-12-31"},
    )
    assert response.status == 302, response.status
    strategy_path = response.getheader("Location")
    reads = []
    for _ in range(3):
        response, page = browser.request("GET", home)
        reads.append(response.status == 200 and title in page)
        browser.request("GET", strategy_path)
        browser.request("GET", strategy_path + "/dashboard")
    lines = upstreams_since(start)
    write = next(line[3] for line in lines if line[0] == "POST" and line[1].endswith("/strategies/new"))
    read_upstreams = {line[3] for line in lines if line[0] == "GET" and line[1] == home}
    assert all(reads), reads
    assert read_upstreams - {write}, f"every read went to the writer {write}: {lines}"
    cached = redis.Redis.from_url(REDIS_URL).keys("flask_cache_*")
    assert cached, "no page-cache entries in Redis"
    return (
        f"written via {write}, read at once via {sorted(read_upstreams)}; {len(cached)} cached parts in Redis"
    )


def _attempts_until_429(browser: Browser, email: Callable[[int], str]) -> tuple[int, str, list]:
    """Wrong log-ins until a 429, each claiming another X-Forwarded-For (nginx must replace it)."""
    token = browser.csrf("/login")  # one token, so that nginx alternates the POSTs between the instances
    start = log_size()
    for attempt in range(1, LIMIT + 2):
        response, page = browser.post(
            "/login",
            {"email": email(attempt), "password": f"wrong-{attempt}"},
            token=token,
            headers={"X-Forwarded-For": f"10.9.9.{attempt}"},
        )
        if response.status == 429:
            break
    assert response.status == 429, f"no 429 after {attempt} wrong attempts"
    assert "For mange forsøg" in page, page[:300]
    assert int(response.getheader("Retry-After") or 0) >= 1, response.getheader("Retry-After")
    return attempt, page, upstreams_since(start)


def check_throttling_across_instances(_browser: Browser) -> str:
    attempt, _page, lines = _attempts_until_429(Browser("127.0.0.3"), lambda n: VICTIM)
    upstreams = {line[3] for line in lines if line[0] == "POST"}
    assert len(upstreams) == 2, upstreams
    return f"429 at attempt {attempt} (limit {LIMIT} per account) over {sorted(upstreams)}"


def check_client_address(_browser: Browser) -> str:
    """The per-address limit counts the client's real address: a forged X-Forwarded-For does not escape it,
    and one address being throttled does not lock out another (the app sees more than nginx's address)."""
    attempt, _page, _lines = _attempts_until_429(Browser("127.0.0.5"), lambda n: f"nobody{n}@example.dk")
    response, _page = Browser("127.0.0.4").log_in(EMAIL, PASSWORD)
    assert response.status == 302, f"another address was refused too: {response.status}"
    return f"forged X-Forwarded-For throttled at attempt {attempt}; another address still logs in"


CHECKS: list[tuple[str, Callable[[Browser], str]]] = [
    ("/healthz reports the database and Redis", check_health),
    ("X-Forwarded-Proto is honoured: https seen by the app, secure cookies", check_forwarded_proto),
    ("a write through one instance shows at once through the other", check_write_shows_on_both),
    ("log-in throttling counts across both instances", check_throttling_across_instances),
    ("X-Forwarded-For is honoured: the client's own address is throttled", check_client_address),
]


def main() -> int:
    browser = Browser()
    failures = 0
    for name, check in CHECKS:
        try:
            detail = check(browser)
        except Exception as exc:  # noqa: BLE001  (every failure is reported, then the next check runs)
            failures += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        else:
            print(f"PASS  {name}: {detail}")
    print("checks through nginx:", "PASS" if failures == 0 else f"FAIL ({failures} of {len(CHECKS)})")
    return failures


if __name__ == "__main__":
    sys.exit(main())
