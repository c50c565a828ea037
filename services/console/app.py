"""Wiring only: the console's process (its sampler) and its pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.console.context import Console
from services.console.pages import (
    coverage,
    dead_letters,
    money,
    orders,
    pipeline,
    stockpile,
    traders,
    waterfall,
)
from services.console.pages import session as sessions
from services.console.pages.render import page
from services.console.process import ConsoleProcess
from services.console.settings import ConsoleSettings

__all__ = ["create_api", "create_service"]

STATIC = Path(__file__).with_name("static")


def create_service(
    settings: ConsoleSettings | None = None, *, configure_logging: bool = True
) -> ConsoleProcess:
    return ConsoleProcess(
        Console(settings or ConsoleSettings()), configure_logging=configure_logging
    )


def create_api(service: ConsoleProcess) -> FastAPI:
    app = FastAPI(title="Vault console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.context = service.context
    # Every page is behind a sign-in; the sign-in form and the static files are not.
    signed_in = [Depends(sessions.operator)]
    for pages in (pipeline, orders, stockpile, waterfall, coverage, money, traders, dead_letters):
        app.include_router(pages.router, dependencies=signed_in)
    app.include_router(sessions.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(sessions.SignInRequired, sessions.sign_in_required)

    @app.exception_handler(sessions.FormRefused)
    async def form_refused(request: Request, exc: sessions.FormRefused) -> Response:
        return page(
            request,
            service.context,
            "problem.html",
            "",
            status=exc.status,
            refresh=False,
            heading="Not done",
            detail=exc.detail,
            back="/pipeline",
        )

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/pipeline")

    return app
