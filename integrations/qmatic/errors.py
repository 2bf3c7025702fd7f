"""Typed Qmatic errors: what went wrong, never a raw traceback, never personal data.

Orchestra reports business errors in the `error_code` / `error_message` response headers
(docs: qmatic-api.md §3); transport problems become QmaticUnavailable.
"""
from __future__ import annotations


class QmaticError(Exception):
    """Base of every Qmatic problem the dialogue may see."""

    def __init__(self, message: str, *, http_status: int | None = None, error_code: str | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.error_code = error_code


class QmaticUnavailable(QmaticError):
    """Connection refused, timeout, 5xx or 504: Orchestra cannot be reached right now."""


class QmaticTimeout(QmaticUnavailable):
    """No answer in time. `may_have_committed`: the request reached Orchestra and could have
    changed something (a POST whose answer was lost), so it must not be repeated blindly."""

    def __init__(self, message: str, *, may_have_committed: bool):
        super().__init__(message)
        self.may_have_committed = may_have_committed


class QmaticNotFound(QmaticError):
    """No such appointment / visit (404, 8057, E142)."""


class QmaticAppointmentCancelled(QmaticNotFound):
    """The booking reference exists, but its appointment was cancelled."""


class QmaticAlreadyArrived(QmaticError):
    """The appointment is already used by a visit (8058)."""


class QmaticQueueFull(QmaticError):
    """The queue is full (8042). `service_id`: the Orchestra service whose queue it is, when known."""

    def __init__(self, message: str, *, http_status: int | None = None, error_code: str | None = None,
                 service_id: int | None = None):
        super().__init__(message, http_status=http_status, error_code=error_code)
        self.service_id = service_id


class QmaticAuthFailed(QmaticError):
    """401/403: wrong user, password or auth-token."""


class QmaticBadResponse(QmaticError):
    """Orchestra answered something we cannot read (malformed JSON, missing fields)."""


class QmaticVisitUncertain(QmaticError):
    """A check-in POST timed out and afterwards it could not be established whether the visit exists."""


# error_code header -> error class (qmatic-api.md §3)
ERROR_CODES: dict[str, type[QmaticError]] = {
    "8042": QmaticQueueFull,
    "8057": QmaticNotFound,
    "8058": QmaticAlreadyArrived,
    "E142": QmaticNotFound,
    "8011": QmaticNotFound,
    "11000": QmaticUnavailable,  # no entry point of the configured type on the branch
}
