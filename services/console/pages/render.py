"""One Jinja2 environment for every page: the layout, the navigation, the filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from services.console.context import Console
from shared.http.context import context_of

Ctx = Annotated[Console, Depends(context_of)]

NAVIGATION = (
    ("pipeline", "/pipeline", "Pipeline"),
    ("orders", "/orders", "Orders"),
    ("stockpile", "/stockpile", "Stockpile"),
    ("waterfall", "/waterfall", "Waterfall"),
    ("money", "/money", "Money"),  # issue 17
    ("traders", "/traders", "Traders"),
    ("coverage", "/coverage", "Coverage"),
    ("dead_letters", "/dead-letters", "Dead letters"),
)


def quantity(value: Any) -> str:
    """Decimal text as people read it: no trailing zeros, thousands separated."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number.normalize():,f}"
    return text


def duration(seconds: Any) -> str:
    if seconds is None:
        return "–"
    s = float(seconds)
    if s < 60:
        return f"{s:.0f}s" if s >= 10 else f"{s:.1f}s"
    if s < 3600:
        return f"{int(s // 60)}m {int(s % 60)}s"
    if s < 86_400:
        return f"{int(s // 3600)}h {int(s % 3600 // 60)}m"
    return f"{int(s // 86_400)}d {int(s % 86_400 // 3600)}h"


def clock(value: Any) -> str:
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at.strftime("%Y-%m-%d %H:%M:%S")


def instant(value: Any) -> str:
    """A time to the millisecond: hops of one order often fall within one second."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def short_id(value: Any, keep: int = 16) -> str:
    text = str(value)
    return text if len(text) <= keep + 1 else text[:keep] + "…"


def rate(value: float) -> str:
    return f"{value:,.2f}/s" if value else "0/s"


TEMPLATES = Environment(
    loader=PackageLoader("services.console", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(
    quantity=quantity,
    duration=duration,
    clock=clock,
    instant=instant,
    short_id=short_id,
    rate=rate,
)


def page(
    request: Request,
    ctx: Console,
    template: str,
    current: str,
    *,
    status: int = 200,
    refresh: bool = True,
    **values: Any,
) -> HTMLResponse:
    """A page in the layout; the header names who is signed in (``pages.session``)."""
    html = TEMPLATES.get_template(template).render(
        navigation=NAVIGATION,
        current=current,
        refresh_s=ctx.settings.refresh_s if refresh else 0,
        now=ctx.clock(),
        request=request,
        operator=getattr(request.state, "session", None),
        **values,
    )
    return HTMLResponse(html, status_code=status)
