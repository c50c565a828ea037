"""The console's sign-in in process, with access answered by a fake ``GET /v1/me``: every
page is behind a session, only ops roles sign in, a revoked key ends its sessions at the
next re-check, forms need the session's token, and replay is a program admin's only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.console.app import create_api, create_service
from services.console.pages.session import COOKIE
from services.console.settings import ConsoleSettings
from shared import topics

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
READER, ADMIN, MAKER = "vlt_reader_secret", "vlt_admin_secret", "vlt_maker_secret"


@dataclass
class FakeAccess:
    keys: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            READER: ("ops:ana", "ops_read"),
            ADMIN: ("ops:bo", "program_admin"),
            MAKER: ("manufacturer:volta", "manufacturer"),
        }
    )
    down: bool = False
    throttled: bool = False
    asked: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/me", request.url
        self.asked += 1
        if self.down:
            raise httpx.ConnectError("access is down", request=request)
        if self.throttled:
            return httpx.Response(429, headers={"Retry-After": "7"})
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if key not in self.keys:
            return httpx.Response(401, json={"code": "unauthorised"})
        principal, role = self.keys[key]
        return httpx.Response(
            200, json={"principal": principal, "role": role, "subject": None, "key_id": "k"}
        )


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Console:
    http: httpx.AsyncClient
    access: FakeAccess
    clock: Clock

    async def sign_in(self, key: str, next_path: str = "/dead-letters") -> httpx.Response:
        return await self.http.post("/sign-in", data={"api_key": key, "next": next_path})

    def csrf(self, html: str) -> str:
        marker = 'name="csrf" value="'
        start = html.index(marker) + len(marker)
        return html[start : html.index('"', start)]


@pytest.fixture
async def console() -> AsyncIterator[Console]:
    settings = ConsoleSettings.model_validate(
        {"VAULT_CONSOLE_SESSION_RECHECK_S": 60, "VAULT_CONSOLE_REFRESH_S": 0}
    )
    process = create_service(settings, configure_logging=False)
    access, clock = FakeAccess(), Clock()
    process.context.clock = clock
    process.context._http = httpx.AsyncClient(transport=httpx.MockTransport(access))
    app = create_api(process)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console.test") as http:
        yield Console(http, access, clock)
    await process.context.close()


async def test_every_page_sends_a_stranger_to_the_sign_in_form(console: Console) -> None:
    for path in ("/pipeline", "/orders", "/stockpile", "/money", "/dead-letters", "/coverage"):
        answer = await console.http.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/sign-in?next=" + path.replace("/", "%2F")
    refresh = await console.http.get("/pipeline", headers={"X-Console-Refresh": "1"})
    assert refresh.status_code == 401
    form = await console.http.get("/sign-in", params={"next": "/orders"})
    assert form.status_code == 200
    assert 'name="api_key"' in form.text
    assert 'value="/orders"' in form.text
    assert 'href="/pipeline"' not in form.text  # no navigation before signing in
    posted = await console.http.post(
        "/dead-letters/replay", data={"topic": topics.DEMAND_INTAKE, "at": "0:0"}
    )
    assert posted.status_code == 303
    assert console.access.asked == 0


async def test_a_key_access_refuses_or_a_role_without_a_console_does_not_sign_in(
    console: Console,
) -> None:
    for key, status, says in (
        ("vlt_wrong", 401, "was not accepted"),
        ("", 401, "was not accepted"),
        ("vlt with spaces", 401, "was not accepted"),
        (MAKER, 403, "A manufacturer key has no console"),
    ):
        answer = await console.sign_in(key)
        assert answer.status_code == status, key
        assert says in answer.text
        assert COOKIE not in answer.cookies
    console.access.throttled = True
    assert (await console.sign_in(READER)).status_code == 429
    console.access.throttled, console.access.down = False, True
    down = await console.sign_in(READER)
    assert down.status_code == 503
    assert "cannot be checked now" in down.text


async def test_an_ops_reader_signs_in_sees_pages_but_may_not_replay(console: Console) -> None:
    signed = await console.sign_in(READER, "/dead-letters")
    assert (signed.status_code, signed.headers["location"]) == (303, "/dead-letters")
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert READER not in cookie  # the browser holds a session id, never the key
    page = await console.http.get("/dead-letters")
    assert page.status_code == 200
    assert "ops:ana · ops_read" in page.text
    assert 'action="/dead-letters/replay"' not in page.text
    assert "Replay is the program-admin role" in page.text
    token = console.csrf(page.text)
    refused = await console.http.post(
        "/dead-letters/replay", data={"csrf": token, "topic": topics.DEMAND_INTAKE, "at": "0:0"}
    )
    assert refused.status_code == 403
    assert "needs the program-admin role" in refused.text


async def test_a_form_without_the_sessions_token_is_refused(console: Console) -> None:
    await console.sign_in(ADMIN)
    for data in ({}, {"csrf": "forged"}):
        answer = await console.http.post(
            "/dead-letters/replay", data={**data, "topic": topics.DEMAND_INTAKE, "at": "0:0"}
        )
        assert answer.status_code == 403
        assert "did not come from your console session" in answer.text
    too_big = await console.http.post("/sign-out", data={"csrf": "x" * 9000})
    assert too_big.status_code == 413
    not_a_form = await console.http.post("/sign-out", json={"csrf": "x"})
    assert not_a_form.status_code == 415
    assert (await console.http.get("/dead-letters")).status_code == 200  # still signed in


async def test_a_program_admin_replays_only_a_vault_topic_and_only_with_a_broker(
    console: Console,
) -> None:
    await console.sign_in(ADMIN)
    page = await console.http.get("/dead-letters")
    token = console.csrf(page.text)
    unknown = await console.http.post(
        "/dead-letters/replay", data={"csrf": token, "topic": "not.vault", "at": "0:0"}
    )
    assert unknown.status_code == 404
    no_broker = await console.http.post(
        "/dead-letters/replay", data={"csrf": token, "topic": topics.DEMAND_INTAKE, "at": "0:0"}
    )
    assert no_broker.status_code == 503
    assert "no broker is configured" in no_broker.text
    # A replay asks access afresh: a key revoked since the last check replays nothing.
    asked = console.access.asked
    del console.access.keys[ADMIN]
    revoked = await console.http.post(
        "/dead-letters/replay", data={"csrf": token, "topic": topics.DEMAND_INTAKE, "at": "0:0"}
    )
    assert revoked.status_code == 403
    assert console.access.asked == asked + 1
    assert (await console.http.get("/dead-letters")).status_code == 303


async def test_a_revoked_key_ends_its_session_at_the_next_recheck(console: Console) -> None:
    await console.sign_in(READER)
    asked = console.access.asked
    console.clock.now = T0 + timedelta(seconds=30)
    assert (await console.http.get("/dead-letters")).status_code == 200
    assert console.access.asked == asked  # not yet due
    del console.access.keys[READER]
    console.clock.now = T0 + timedelta(seconds=61)
    gone = await console.http.get("/dead-letters")
    assert (gone.status_code, gone.headers["location"]) == (303, "/sign-in?next=%2Fdead-letters")
    console.access.keys[READER] = ("ops:ana", "ops_read")
    assert (await console.http.get("/dead-letters")).status_code == 303  # the session ended


async def test_while_access_is_down_pages_stay_and_replay_waits(console: Console) -> None:
    await console.sign_in(ADMIN)
    token = console.csrf((await console.http.get("/dead-letters")).text)
    console.access.down = True
    console.clock.now = T0 + timedelta(seconds=120)
    assert (await console.http.get("/dead-letters")).status_code == 200
    replay = await console.http.post(
        "/dead-letters/replay", data={"csrf": token, "topic": topics.DEMAND_INTAKE, "at": "0:0"}
    )
    assert replay.status_code == 503
    assert "access unreachable" in replay.text


async def test_signing_out_ends_the_session_and_a_session_expires(console: Console) -> None:
    await console.sign_in(READER)
    token = console.csrf((await console.http.get("/dead-letters")).text)
    out = await console.http.post("/sign-out", data={"csrf": token})
    assert (out.status_code, out.headers["location"]) == (303, "/sign-in")
    assert (await console.http.get("/dead-letters")).status_code == 303
    await console.sign_in(READER)
    console.access.down = True  # an expired session ends without asking access
    console.clock.now = T0 + timedelta(hours=8)
    assert (await console.http.get("/dead-letters")).status_code == 303


async def test_the_page_after_a_replay_names_only_a_vault_topic_and_position(
    console: Console,
) -> None:
    await console.sign_in(READER)
    shown = await console.http.get(
        "/dead-letters", params={"replayed": f"{topics.DEMAND_INTAKE} 1:42"}
    )
    assert "data-replayed" in shown.text
    assert f"{topics.DEMAND_INTAKE} 1:42" in shown.text
    crafted = await console.http.get("/dead-letters", params={"replayed": "call +1 555 0100"})
    assert "data-replayed" not in crafted.text
