"""Calls to the services' HTTP APIs from the command line, with errors people can read."""

from __future__ import annotations

import argparse
import functools
import json
from collections.abc import Callable
from typing import Any

import httpx

from vault.credentials import NoCredentials, api_key, bearer
from vault.endpoints import service_url


class ApiError(RuntimeError):
    def __init__(self, status: int, body: Any) -> None:
        detail = body.get("detail") or body.get("title") if isinstance(body, dict) else body
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.body = body


def call(
    service: str,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    timeout_s: float = 15.0,
) -> Any:
    """One request, with the command's API key (``vault.credentials``) unless ``headers``
    name another; returns the decoded body of a 2xx answer, else raises ApiError."""
    url = service_url(service) + path
    headers = dict(headers or {})
    if "Authorization" not in headers:
        try:
            headers.update(bearer(api_key()))
        except NoCredentials as exc:
            raise ApiError(401, str(exc)) from None
    try:
        answer = httpx.request(
            method, url, json=json_body, headers=headers, params=params, timeout=timeout_s
        )
    except httpx.HTTPError as exc:
        raise ApiError(0, f"{service} not reachable at {url}: {exc} (is `vault run` up?)") from exc
    body: Any
    try:
        body = answer.json()
    except json.JSONDecodeError:
        body = answer.text
    if answer.status_code >= 400:
        raise ApiError(answer.status_code, body)
    return body


def show(body: Any) -> None:
    print(json.dumps(body, indent=2, default=str) if not isinstance(body, str) else body)


def report(exc: ApiError) -> None:
    """Say what went wrong: the status and detail, then the problem document if there is one."""
    print(str(exc))
    if exc.body and not isinstance(exc.body, str):
        show(exc.body)


Handler = Callable[[argparse.Namespace], int]


def reports_api_errors(handler: Handler) -> Handler:
    """A command handler whose refused or failed calls print the reason and exit 1."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ApiError as exc:
            report(exc)
            return 1

    return wrapped


def show_call(service: str, method: str, path: str, **kwargs: Any) -> int:
    """Make the call and print its answer; errors are left to ``reports_api_errors``."""
    show(call(service, method, path, **kwargs))
    return 0
