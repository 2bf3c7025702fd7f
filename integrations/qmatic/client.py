"""Qmatic Orchestra REST client: the minimal subset a reception robot needs (qmatic-api.md §10).

- GETs are retried with backoff (transport errors and 5xx only); a POST that creates a visit is
  never retried. When a POST may have reached Orchestra but its answer was lost (a read timeout,
  a connection dropped after sending, an unreadable answer), the client finds out whether the
  visit exists — from the appointment's status and the branch's visit list (arrive), or from a
  marker parameter in the queue's visit list (walk-in) — and returns it, or raises
  QmaticVisitUncertain.
- Each call decides from what it got back itself: the client keeps no shared list of calls, so
  actions can share one client across threads. A timeout is a QmaticTimeout that says whether
  the request may have been committed; a full queue is a QmaticQueueFull naming its service.
- Errors become typed QmaticErrors (errors.py), read from HTTP status and Orchestra's
  `error_code` header.
- Every HTTP attempt can be recorded in a caller's CallTrace (operation, path template, status,
  time) — path templates, never concrete paths, so booking codes never reach a log.
- Times are read in every format servers send and become branch-local (times.py), in the
  branch's time zone from the configuration.
- `deadline_s` on each call bounds the whole call (retries and checks included), so the
  dialogue can apologise within seconds while the configured timeout stays 5 s.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable

import requests

from .config import QmaticConfig
from .errors import (ERROR_CODES, QmaticAlreadyArrived, QmaticAppointmentCancelled, QmaticAuthFailed,
                     QmaticBadResponse, QmaticError, QmaticNotFound, QmaticQueueFull, QmaticTimeout,
                     QmaticUnavailable, QmaticVisitUncertain)
from .models import (Appointment, QueuePosition, Service, Visit, appointment_from_json, service_from_json,
                     status_name, visit_from_json)
from .times import zone

log = logging.getLogger(__name__)
# urllib3 logs full request URLs at DEBUG, and a URL can hold a booking code: never below INFO.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

MARKER_PARAMETER = "custom5"  # walk-in visits carry a one-off marker so a timed-out POST can be traced
CANCELLED_STATUSES = ("CANCELLED", "CANCELED", "DELETED")


@dataclass(frozen=True)
class CallRecord:
    operation: str
    method: str
    path_template: str
    status: int | str  # HTTP status, or "timeout" / "refused" / "error"
    duration_ms: float
    error: str | None = None


class CallTrace:
    """The HTTP attempts of one caller's calls (a dialogue turn, a benchmark): thread-safe, no personal data."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    def add(self, record: CallRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def of(self, operation: str) -> list[CallRecord]:
        return [r for r in self.records if r.operation == operation]


class _Deadline:
    def __init__(self, seconds: float | None):
        self.end = time.monotonic() + seconds if seconds else None

    def timeout(self, default: float) -> float:
        if self.end is None:
            return default
        remaining = self.end - time.monotonic()
        if remaining <= 0.05:
            raise QmaticTimeout("Qmatic did not answer in time", may_have_committed=False)
        return min(default, remaining)

    def allows(self, pause: float) -> bool:
        return self.end is None or time.monotonic() + pause < self.end - 0.2


def _connect_failure(exc: requests.ConnectionError) -> bool:
    """True when the request never left (nothing listening, no route): it cannot have been committed."""
    text = repr(exc)
    return isinstance(exc, requests.ConnectTimeout) or "NewConnectionError" in text or "Connection refused" in text


class QmaticClient:
    def __init__(self, config: QmaticConfig, clock: Callable[[], datetime] | None = None):
        self.config = config
        self.tz = zone(config.timezone)
        self._clock = clock  # returns "now" (aware); default: the machine's clock
        self._entry_point: int | None = config.entry_point_id
        self._entry_lock = threading.Lock()
        self.http = requests.Session()
        self.http.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        if config.auth == "basic":
            self.http.auth = (config.username or "", config.password or "")
        else:
            self.http.headers["auth-token"] = config.auth_token or ""
        self.http.verify = config.verify_tls

    def close(self) -> None:
        self.http.close()

    def now(self) -> datetime:
        """Now, in the branch's time zone."""
        moment = self._clock() if self._clock else datetime.now(tz=self.tz)
        return moment.astimezone(self.tz) if moment.tzinfo else moment.replace(tzinfo=self.tz)

    # ------------------------------------------------------------------ HTTP
    def _url(self, template: str, base: str | None, params: dict[str, Any]) -> str:
        return (base or self.config.rest) + template.format(**params)

    def _once(self, operation: str, method: str, template: str, params: dict, *, base: str | None = None,
              query: dict | None = None, body: Any = None, timeout: float, trace: CallTrace | None) -> Any:
        url = self._url(template, base, params)
        started = time.monotonic()
        status: int | str = "error"
        error: QmaticError | None = None
        writes = method != "GET"
        try:
            response = self.http.request(method, url, params=query, json=body, timeout=timeout)
            status = response.status_code
            return self._read(response)
        except requests.ConnectTimeout:
            status = "timeout"
            error = QmaticTimeout("Qmatic could not be reached in time", may_have_committed=False)
            raise error from None
        except requests.Timeout:
            status = "timeout"
            error = QmaticTimeout("Qmatic did not answer in time", may_have_committed=writes)
            raise error from None
        except requests.ConnectionError as exc:
            status = "refused"
            if writes and not _connect_failure(exc):  # dropped after the request was sent
                error = QmaticTimeout("Qmatic dropped the connection before answering", may_have_committed=True)
            else:
                error = QmaticUnavailable("Qmatic cannot be reached")
            raise error from None
        except requests.RequestException as exc:
            error = QmaticUnavailable(f"Qmatic request failed ({type(exc).__name__})")
            raise error from None
        except QmaticError as exc:
            error = exc
            raise
        finally:
            record = CallRecord(operation, method, template, status, (time.monotonic() - started) * 1000,
                                type(error).__name__ if error else None)
            if trace is not None:
                trace.add(record)
            log.debug("qmatic %s %s %s -> %s (%.0f ms)", operation, method, template, status, record.duration_ms)

    def _read(self, response: requests.Response) -> Any:
        code = response.headers.get("error_code") or response.headers.get("ERROR_CODE")
        status = response.status_code
        if code and str(code) in ERROR_CODES:
            raise ERROR_CODES[str(code)](f"Qmatic refused: error {code}", http_status=status, error_code=str(code))
        if status in (401, 403):
            raise QmaticAuthFailed("Qmatic refused the credentials", http_status=status)
        if status == 404:
            raise QmaticNotFound("not found in Qmatic", http_status=status, error_code=code)
        if status >= 500:
            raise QmaticUnavailable(f"Qmatic failed with HTTP {status}", http_status=status, error_code=code)
        if status >= 400:
            raise QmaticBadResponse(f"Qmatic rejected the request with HTTP {status}", http_status=status,
                                    error_code=code)
        if not response.content or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise QmaticBadResponse("Qmatic answered with something that is not JSON", http_status=status) from None

    def _get(self, operation: str, template: str, params: dict | None = None, *, base: str | None = None,
             query: dict | None = None, deadline: _Deadline | None = None, trace: CallTrace | None = None) -> Any:
        deadline = deadline or _Deadline(None)
        pause = self.config.retry_backoff_s
        for attempt in range(self.config.get_retries + 1):
            try:
                return self._once(operation, "GET", template, params or {}, base=base, query=query,
                                  timeout=deadline.timeout(self.config.timeout_s), trace=trace)
            except QmaticUnavailable:
                if attempt >= self.config.get_retries or not deadline.allows(pause):
                    raise
            time.sleep(pause)
            pause *= 2
        raise QmaticUnavailable("Qmatic cannot be reached")  # pragma: no cover - loop always returns/raises

    # ------------------------------------------------------------------ operations
    def entry_point_id(self, deadline_s: float | None = None, trace: CallTrace | None = None) -> int:
        """The entry point (device type from configuration) through which visits are created (B1)."""
        with self._entry_lock:
            known = self._entry_point
        if known is not None:
            return known
        data = self._get("entry_point", "/entrypoint/branches/{branch}/entryPoints/deviceTypes/{device}",
                         {"branch": self.config.branch_id, "device": self.config.entry_point_device_type},
                         deadline=_Deadline(deadline_s), trace=trace)
        if not isinstance(data, list) or not data or not isinstance(data[0], dict) or "id" not in data[0]:
            raise QmaticBadResponse(f"no entry point of type {self.config.entry_point_device_type} on the branch")
        with self._entry_lock:
            self._entry_point = int(data[0]["id"])
            return self._entry_point

    def services(self, deadline_s: float | None = None, trace: CallTrace | None = None) -> list[Service]:
        """The branch's services (D2) with waiting figures from the mobile connector when available (D3)."""
        deadline = _Deadline(deadline_s)
        data = self._get("services", "/entrypoint/branches/{branch}/services/", {"branch": self.config.branch_id},
                         deadline=deadline, trace=trace)
        if not isinstance(data, list):
            raise QmaticBadResponse("the service list is not a list")
        services = [service_from_json(item) for item in data]
        try:
            waits = self._get("wait_info", "/branches/{branch}/services/wait-info",
                              {"branch": self.config.branch_id}, base=self._mobile(), deadline=deadline, trace=trace)
        except (QmaticNotFound, QmaticBadResponse):
            return services
        by_id = {int(w["serviceId"]): w for w in waits or [] if isinstance(w, dict) and "serviceId" in w}
        return [Service(s.id, s.internal_name, s.external_name,
                        by_id.get(s.id, {}).get("customersWaitingInDefaultQueue"),
                        by_id.get(s.id, {}).get("waitingTimeInDefaultQueue")) for s in services]

    def todays_appointments(self, branch_id: int | None = None, deadline_s: float | None = None,
                            today: date | None = None, trace: CallTrace | None = None) -> list[Appointment]:
        """Today's appointments at a branch (A1); matched locally, never searched by name on the server.
        "Today" is the branch's date, whatever time zone the server answers in."""
        today = today or self.now().date()
        data = self._get("appointments", "/appointment/appointments/search", {},
                         query={"branchId": branch_id or self.config.branch_id, "fromDate": today.isoformat(),
                                "toDate": (today + timedelta(days=1)).isoformat()},
                         deadline=_Deadline(deadline_s), trace=trace)
        if not isinstance(data, list):
            raise QmaticBadResponse("the appointment list is not a list")
        appointments = [appointment_from_json(item, self.tz) for item in data]
        return [a for a in appointments if a.start.date() == today and a.status not in CANCELLED_STATUSES]

    def appointment(self, appointment_id: int, deadline_s: float | None = None,
                    trace: CallTrace | None = None) -> Appointment:
        """One appointment by its Orchestra id (A2)."""
        return self._appointment(int(appointment_id), _Deadline(deadline_s), trace)

    def _appointment(self, appointment_id: int, deadline: _Deadline, trace: CallTrace | None) -> Appointment:
        data = self._get("appointment", "/appointment/appointments/{id}", {"id": appointment_id},
                         deadline=deadline, trace=trace)
        if isinstance(data, list):
            data = data[0] if data else None
        if not data:
            raise QmaticNotFound("no such appointment")
        return appointment_from_json(data, self.tz)

    def find_by_reference(self, reference: str, deadline_s: float | None = None,
                          trace: CallTrace | None = None) -> Appointment | None:
        """An appointment by what a visitor holds: calendar publicId, Orchestra id or external id (A4, A2).

        None: nobody knows the reference. QmaticAppointmentCancelled: the calendar knows it, but the
        appointment was cancelled (the calendar says so, or Orchestra no longer has its qpId)."""
        ref = "".join(str(reference).split())
        if not ref:
            return None
        deadline = _Deadline(deadline_s)
        if ref.isdigit() and len(ref) <= 9:
            try:
                return self._appointment(int(ref), deadline, trace)
            except QmaticNotFound:
                pass
        try:
            data = self._get("appointment_by_public_id", "/appointments/publicid/{ref}", {"ref": ref},
                             base=self.config.base_url.rstrip("/") + self.config.calendar_path, deadline=deadline,
                             trace=trace)
        except QmaticNotFound:
            data = None
        found = (data or {}).get("appointment") if isinstance(data, dict) else None
        if isinstance(found, dict):
            if status_name(found.get("status")) in CANCELLED_STATUSES or not found.get("qpId"):
                raise QmaticAppointmentCancelled("the booking reference's appointment was cancelled")
            try:
                return self._appointment(int(found["qpId"]), deadline, trace)
            except QmaticNotFound:
                raise QmaticAppointmentCancelled("the calendar knows the reference, Orchestra no longer") from None
            except (TypeError, ValueError):
                raise QmaticBadResponse("the calendar's qpId is not a number") from None
        try:
            data = self._get("appointment_by_external_id", "/appointment/appointments/external/{ref}", {"ref": ref},
                             deadline=deadline, trace=trace)
        except QmaticNotFound:
            return None
        return appointment_from_json(data, self.tz) if data else None

    def arrive(self, appointment_id: int, deadline_s: float | None = None, *, service_id: int | None = None,
               trace: CallTrace | None = None) -> Visit:
        """Check in an appointment through the entry point (B2). Never retried; a lost answer is resolved.

        `service_id`: the appointment's service, so that a full queue (QmaticQueueFull) names it."""
        deadline = _Deadline(deadline_s)
        entry = self.entry_point_id(deadline_s=deadline_s, trace=trace)
        template = "/entrypoint/branches/{branch}/entryPoints/{entry}/visits"
        try:
            data = self._once("arrive", "POST", template, {"branch": self.config.branch_id, "entry": entry},
                              body={"appointmentId": int(appointment_id), "parameters": {}},
                              timeout=deadline.timeout(self.config.timeout_s), trace=trace)
        except QmaticTimeout as exc:
            if exc.may_have_committed:
                return self._arrival_after_timeout(int(appointment_id), exc, trace)
            raise
        except QmaticQueueFull as exc:
            raise QmaticQueueFull(str(exc), http_status=exc.http_status, error_code=exc.error_code,
                                  service_id=service_id) from None
        except QmaticBadResponse as exc:  # an unreadable answer: the arrival may well have happened
            return self._arrival_after_timeout(int(appointment_id), exc, trace)
        try:
            return visit_from_json(data)
        except QmaticBadResponse as exc:
            return self._arrival_after_timeout(int(appointment_id), exc, trace)

    def _arrival_after_timeout(self, appointment_id: int, original: QmaticError, trace: CallTrace | None) -> Visit:
        """The arrive POST's answer was lost: did it create a visit? Look, never post again."""
        try:
            appointment = self._appointment(appointment_id, _Deadline(self.config.verify_timeout_s), trace)
        except QmaticError:
            raise QmaticVisitUncertain("check-in outcome unknown: Qmatic did not answer") from original
        if appointment.status == "CREATED":
            raise QmaticUnavailable("Qmatic did not check the visitor in (timeout)") from original
        visit = self._find_visit(lambda v: str(v.get("appointmentId")) == str(appointment_id), trace)
        if visit is None:
            raise QmaticVisitUncertain("the appointment is arrived but its visit was not found") from original
        return visit

    def walk_in(self, service_id: int, deadline_s: float | None = None, trace: CallTrace | None = None) -> Visit:
        """A visit without appointment for a service (C1). Never retried; a lost answer is resolved."""
        deadline = _Deadline(deadline_s)
        entry = self.entry_point_id(deadline_s=deadline_s, trace=trace)
        marker = f"elvie-{uuid.uuid4().hex[:12]}"
        template = "/entrypoint/branches/{branch}/entryPoints/{entry}/visits"
        try:
            data = self._once("walk_in", "POST", template, {"branch": self.config.branch_id, "entry": entry},
                              body={"services": [int(service_id)], "parameters": {MARKER_PARAMETER: marker}},
                              timeout=deadline.timeout(self.config.timeout_s), trace=trace)
        except QmaticTimeout as exc:
            if exc.may_have_committed:
                return self._walk_in_after_timeout(marker, exc, trace)
            raise
        except QmaticQueueFull as exc:
            raise QmaticQueueFull(str(exc), http_status=exc.http_status, error_code=exc.error_code,
                                  service_id=int(service_id)) from None
        except QmaticBadResponse as exc:
            return self._walk_in_after_timeout(marker, exc, trace)
        try:
            return visit_from_json(data)
        except QmaticBadResponse as exc:
            return self._walk_in_after_timeout(marker, exc, trace)

    def _walk_in_after_timeout(self, marker: str, original: QmaticError, trace: CallTrace | None) -> Visit:
        visit = self._find_marked_visit(marker, trace)
        if visit is None:
            raise QmaticVisitUncertain("walk-in outcome unknown after a timeout") from original
        return visit

    def _find_visit(self, predicate, trace: CallTrace | None) -> Visit | None:
        """A visit from the branch's visit list (mobile connector D6), by a predicate on its status record."""
        try:
            data = self._get("visits", "/branches/{branch}/visits", {"branch": self.config.branch_id},
                             base=self._mobile(), deadline=_Deadline(self.config.verify_timeout_s), trace=trace)
        except QmaticError:
            return None
        for visit_id, status in (data or {}).items() if isinstance(data, dict) else []:
            if isinstance(status, dict) and predicate(status):
                return Visit(id=int(status.get("visitId") or visit_id), ticket_id=str(status.get("ticketId")),
                             checksum=status.get("checksum"), service_id=None,
                             service_name=status.get("currentServiceName"), queue_id=status.get("queueId"))
        return None

    def _find_marked_visit(self, marker: str, trace: CallTrace | None) -> Visit | None:
        """A walk-in visit by its marker parameter, from the queues' full visit lists (D5)."""
        try:
            deadline = _Deadline(self.config.verify_timeout_s * 2)
            queues = self._get("queues", "/servicepoint/branches/{branch}/queues/", {"branch": self.config.branch_id},
                               deadline=deadline, trace=trace)
            for queue in queues or []:
                visits = self._get("queue_visits", "/servicepoint/branches/{branch}/queues/{queue}/visits/full",
                                   {"branch": self.config.branch_id, "queue": int(queue["id"])}, deadline=deadline,
                                   trace=trace)
                for visit in visits or []:
                    if (visit.get("parameterMap") or {}).get(MARKER_PARAMETER) == marker:
                        return visit_from_json(visit)
        except (QmaticError, KeyError, TypeError, ValueError):
            return None
        return None

    def position(self, visit: Visit, deadline_s: float | None = None,
                 trace: CallTrace | None = None) -> QueuePosition | None:
        """The visitor's place in the queue (D6), if Orchestra's mobile connector tells."""
        data = self._get("visits", "/branches/{branch}/visits", {"branch": self.config.branch_id},
                         base=self._mobile(), deadline=_Deadline(deadline_s), trace=trace)
        status = (data or {}).get(str(visit.id)) if isinstance(data, dict) else None
        if not isinstance(status, dict):
            return None
        return QueuePosition(position=status.get("positionInQueue"), queue_size=status.get("queueSize"),
                             status=status.get("currentStatus"))

    def _mobile(self) -> str:
        return self.config.base_url.rstrip("/") + self.config.mobile_path


__all__ = ["QmaticClient", "CallRecord", "CallTrace", "QmaticAlreadyArrived"]
