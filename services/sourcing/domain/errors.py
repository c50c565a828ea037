"""Errors the sourcing domain raises when asked to break one of its rules."""

from __future__ import annotations


class SourcingError(Exception):
    """Base of every sourcing rule violation, so callers can catch them as one."""


class InvalidValue(SourcingError, ValueError):
    """A value no offer, request or policy may carry: a float price, a naive time."""


class SupplyExceeded(SourcingError):
    """Consuming more of an offer than the supply book still holds."""


class ExposureUnderflow(SourcingError):
    """Releasing more open quantity or value from a trader than is open with them."""


class Refused(SourcingError):
    """An event asks for what the rules forbid (a fill beyond its leg, a decline of
    another trader's leg): no retry can make it acceptable, so it is set aside whole.

    `code` says what was refused (``fill_refused``, ``decline_refused``), `detail` why.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
