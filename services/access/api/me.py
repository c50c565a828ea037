"""``GET /v1/me``: who a key belongs to, for the key's own holder (any role).

The ops console signs an operator in with this: it never sees the credentials table,
it asks access whether a key is valid and which role it carries.
"""

from __future__ import annotations

from services.access.api.schemas import CallerOut
from shared.http.app import router as api_router
from shared.http.auth import Authenticated
from shared.http.problems import problem_responses

router = api_router(tags=["principals"])


@router.get("/me", response_model=CallerOut, responses=problem_responses(401, 429))
async def who_am_i(caller: Authenticated) -> CallerOut:
    return CallerOut(
        principal=caller.principal,
        role=caller.role.value,
        subject=caller.subject,
        key_id=caller.key_id,
    )
