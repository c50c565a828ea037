"""Inventory's HTTP API: one module of routes per resource, their schemas beside them.

Routes read the request, call a handler in one unit of work
(``ctx.service.transaction()``) or a view, and answer; errors are the shared
problem documents (``shared.http.problems``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.inventory.context import Inventory
from shared.http.context import context_of

Ctx = Annotated[Inventory, Depends(context_of)]
