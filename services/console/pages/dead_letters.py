"""Dead letters per topic, with why each was set aside, and their replay: the program-admin
role's, confirmed with access at the moment of replay, published as the ops principal
(the console's own Kafka principal only reads), and logged with who did it."""

from __future__ import annotations

import urllib.parse

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.console.pages import charts
from services.console.pages.render import Ctx, page
from services.console.pages.session import Operator, checked_form, confirm, form_of
from services.console.views import dead_letters
from shared import topics
from shared.access.entitlements import Role
from shared.dlq import IncompleteDeadLetter

log = structlog.get_logger("console")
router = APIRouter(tags=["pages"])


def _refused(request: Request, ctx: Ctx, status: int, heading: str, detail: str) -> HTMLResponse:
    return page(
        request,
        ctx,
        "problem.html",
        "dead_letters",
        status=status,
        refresh=False,
        heading=heading,
        detail=detail,
        back="/dead-letters",
    )


@router.post("/dead-letters/replay", response_class=HTMLResponse)
async def replay(request: Request, ctx: Ctx, who: Operator) -> Response:
    form = checked_form(who, await form_of(request))
    topic, at = form.get("topic", ""), form.get("at", "")
    if not who.may_replay:
        return _refused(request, ctx, 403, "Not allowed", "Replay needs the program-admin role.")
    holder = await confirm(ctx, who)
    if holder.answer != "known" or holder.role != Role.PROGRAM_ADMIN:
        why = holder.detail or "access no longer confirms this key as a program admin's"
        return _refused(
            request,
            ctx,
            403 if holder.answer != "unavailable" else 503,
            "Not replayed",
            f"Replay needs a program admin's key confirmed now: {why}.",
        )
    if topic not in topics.ALL:
        return _refused(request, ctx, 404, "No such topic", f"{topic!r} is not a Vault topic.")
    try:
        done = await dead_letters.replay_one(ctx, topic, at)
    except dead_letters.ReplayUnavailable as exc:
        return _refused(request, ctx, 503, "Not replayed", str(exc))
    except LookupError as exc:
        return _refused(request, ctx, 404, "Not replayed", str(exc))
    except IncompleteDeadLetter as exc:
        return _refused(
            request,
            ctx,
            409,
            "Not replayed",
            f"{exc}: use `vault dlq list` and the original's offset.",
        )
    log.info(
        "dead_letter_replayed",
        principal=who.principal,
        topic=topic,
        dlq_position=at,
        original=f"{done.partition}:{done.offset}",
    )
    done_at = urllib.parse.urlencode({"replayed": f"{topic} {at}"})
    return RedirectResponse(f"/dead-letters?{done_at}", status_code=303)


def _replayed(text: str) -> str:
    """What the redirect after a replay names, if it names a Vault topic and a position."""
    topic, _, at = text.partition(" ")
    partition, _, offset = at.partition(":")
    return text if topic in topics.ALL and partition.isdigit() and offset.isdigit() else ""


@router.get("/dead-letters", response_class=HTMLResponse)
async def dead_letters_page(request: Request, ctx: Ctx, who: Operator) -> HTMLResponse:
    if not ctx.settings.kafka_bootstrap_servers:
        per_topic: list[dead_letters.TopicLetters] = []
        errors = ["no broker configured (KAFKA_BOOTSTRAP_SERVERS): dead letters cannot be read"]
    else:
        per_topic, errors = await dead_letters.every_topic(ctx), []
    counts = {t.topic: float(len(t.letters)) for t in per_topic if t.letters}
    return page(
        request,
        ctx,
        "dead_letters.html",
        "dead_letters",
        per_topic=per_topic,
        total=sum(len(t.letters) for t in per_topic),
        chart=charts.single(
            counts, "Dead letters waiting, per topic", series="dead letters", width=charts.WIDE
        )
        if counts
        else None,
        replayed=_replayed(request.query_params.get("replayed", "")),
        errors=errors + [f"{t.topic}: {t.error}" for t in per_topic if t.error],
    )
