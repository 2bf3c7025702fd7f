"""Qmatic Orchestra REST client: the minimal subset a reception robot needs (qmatic-api.md §10).

- GETs are retried with backoff (transport errors and 5xx only); a POST that creates a visit is
  never retried. After a POST times out, the client finds out whether the visit exists — from
  the appointment's status and the branch's visit list (arrive), or from a marker parameter in
  the queue's visit list (walk-in) — and returns it, or raises QmaticVisitUncertain.
- Errors become typed QmaticErrors (errors.py), read from HTTP status and Orchestra's
  `error_code` header.
- Every HTTP attempt is recorded as a CallRecord (operation, path template, status, time) —
  path templates, never concrete paths, so booking codes never reach a log.
- `deadline_s` on each call bounds the whole call (retries and checks included), so the
  dialogue can apologise within seconds while the configured timeout stays 5 s.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import requests

from .config import QmaticConfig
from .errors import (ERROR_CODES, QmaticAlreadyArrived, QmaticAuthFailed, QmaticBadResponse, QmaticError,
                     QmaticNotFound, QmaticUnavailable, QmaticVisitUncertain)
from .models import (Appointment, QueuePosition, Service, Visit, appointment_from_json, service_from_json,
                     visit_from_json)

log = logging.getLogger(__name__)
# urllib3 logs full request URLs at DEBUG, and a URL can hold a booking code: never below INFO.
logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)

MARKER_PARAMETER = "custom5"  # walk-in visits carry a one-off marker so a timed-out POST can be traced


@dataclass(frozen=True)
class CallRecord:
    operation: str
    method: str
    path_template: str
    status: int | str  # HTTP status, or "timeout" / "refused" / "error"
    duration_ms: float
    error: str | None = None


class _Deadline:
    def __init__(self, seconds: float | None):
        self.end = time.monotonic() + seconds if seconds else None

    def timeout(self, default: float) -> float:
        if self.end is None:
            return default
        remaining = self.end - time.monotonic()
        if remaining <= 0.05:
            raise QmaticUnavailable("Qmatic did not answer in time")
        return min(default, remaining)

    def allows(self, pause: float) -> bool:
        return self.end is None or time.monotonic() + pause < self.end - 0.2


class QmaticClient:
    def __init__(self, config: QmaticConfig):
        self.config = config
        self.calls: list[CallRecord] = []
        self._lock = threading.Lock()
        self._entry_point: int | None = config.entry_point_id
        self.http = requests.Session()
        self.http.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        if config.auth == "basic":
            self.http.auth = (config.username or "", config.password or "")
        else:
            self.http.headers["auth-token"] = config.auth_token or ""
        self.http.verify = config.verify_tls

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ HTTP
    def _url(self, template: str, base: str | None, params: dict[str, Any]) -> str:
        return (base or self.config.rest) + template.format(**params)

    def _record(self, record: CallRecord) -> None:
        with self._lock:
            self.calls.append(record)
            if len(self.calls) > 1000:
                del self.calls[:500]
        log.debug("qmatic %s %s %s -> %s (%.0f ms)", record.operation, record.method, record.path_template,
                  record.status, record.duration_ms)

    def _once(self, operation: str, method: str, template: str, params: dict, *, base: str | None = None,
              query: dict | None = None, body: Any = None, timeout: float) -> Any:
        url = self._url(template, base, params)
        started = time.monotonic()
        status: int | str = "error"
        error: QmaticError | None = None
        try:
            response = self.http.request(method, url, params=query, json=body, timeout=timeout)
            status = response.status_code
            return self._read(response)
        except requests.Timeout:
            status = "timeout"
            error = QmaticUnavailable("Qmatic did not answer in time")
            raise error from None
        except requests.ConnectionError:
            status = "refused"
            error = QmaticUnavailable("Qmatic cannot be reached")
            raise error from None
        except requests.RequestException as exc:
            error = QmaticUnavailable(f"Qmatic request failed ({type(exc).__name__})")
            raise error from None
        except QmaticError as exc:
            error = exc
            raise
        finally:
            self._record(CallRecord(operation, method, template, status, (time.monotonic() - started) * 1000,
                                    type(error).__name__ if error else None))

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
             query: dict | None = None, deadline: _Deadline | None = None) -> Any:
        deadline = deadline or _Deadline(None)
        pause = self.config.retry_backoff_s
        for attempt in range(self.config.get_retries + 1):
            try:
                return self._once(operation, "GET", template, params or {}, base=base, query=query,
                                  timeout=deadline.timeout(self.config.timeout_s))
            except QmaticUnavailable:
                if attempt >= self.config.get_retries or not deadline.allows(pause):
                    raise
            time.sleep(pause)
            pause *= 2
        raise QmaticUnavailable("Qmatic cannot be reached")  # pragma: no cover - loop always returns/raises

    # ------------------------------------------------------------------ operations
    def entry_point_id(self, deadline_s: float | None = None) -> int:
        """The entry point (device type from configuration) through which visits are created (B1)."""
        if self._entry_point is None:
            data = self._get("entry_point", "/entrypoint/branches/{branch}/entryPoints/deviceTypes/{device}",
                             {"branch": self.config.branch_id, "device": self.config.entry_point_device_type},
                             deadline=_Deadline(deadline_s))
            if not isinstance(data, list) or not data or "id" not in data[0]:
                raise QmaticBadResponse(f"no entry point of type {self.config.entry_point_device_type} on the branch")
            self._entry_point = int(data[0]["id"])
        return self._entry_point

    def services(self, deadline_s: float | None = None) -> list[Service]:
        """The branch's services (D2) with waiting figures from the mobile connector when available (D3)."""
        deadline = _Deadline(deadline_s)
        data = self._get("services", "/entrypoint/branches/{branch}/services/", {"branch": self.config.branch_id},
                         deadline=deadline)
        if not isinstance(data, list):
            raise QmaticBadResponse("the service list is not a list")
        services = [service_from_json(item) for item in data]
        try:
            waits = self._get("wait_info", "/branches/{branch}/services/wait-info",
                              {"branch": self.config.branch_id}, base=self._mobile(), deadline=deadline)
        except (QmaticNotFound, QmaticBadResponse):
            return services
        by_id = {int(w["serviceId"]): w for w in waits or [] if isinstance(w, dict) and "serviceId" in w}
        return [Service(s.id, s.internal_name, s.external_name,
                        by_id.get(s.id, {}).get("customersWaitingInDefaultQueue"),
                        by_id.get(s.id, {}).get("waitingTimeInDefaultQueue")) for s in services]

    def todays_appointments(self, branch_id: int | None = None, deadline_s: float | None = None,
                            today: date | None = None) -> list[Appointment]:
        """Today's appointments at a branch (A1); matched locally, never searched by name on the server."""
        today = today or date.today()
        data = self._get("appointments", "/appointment/appointments/search", {},
                         query={"branchId": branch_id or self.config.branch_id, "fromDate": today.isoformat(),
                                "toDate": (today + timedelta(days=1)).isoformat()},
                         deadline=_Deadline(deadline_s))
        if not isinstance(data, list):
            raise QmaticBadResponse("the appointment list is not a list")
        appointments = [appointment_from_json(item) for item in data]
        return [a for a in appointments if a.start.date() == today]

    def appointment(self, appointment_id: int, deadline_s: float | None = None) -> Appointment:
        """One appointment by its Orchestra id (A2)."""
        data = self._get("appointment", "/appointment/appointments/{id}", {"id": int(appointment_id)},
                         deadline=_Deadline(deadline_s))
        if isinstance(data, list):
            data = data[0] if data else None
        if not data:
            raise QmaticNotFound("no such appointment")
        return appointment_from_json(data)

    def find_by_reference(self, reference: str, deadline_s: float | None = None) -> Appointment | None:
        """An appointment by what a visitor holds: calendar publicId, Orchestra id or external id (A4, A2)."""
        ref = "".join(str(reference).split())
        if not ref:
            return None
        deadline = _Deadline(deadline_s)
        try:
            if ref.isdigit() and len(ref) <= 9:
                return self.appointment(int(ref), deadline_s=deadline_s)
            data = self._get("appointment_by_public_id", "/appointments/publicid/{ref}", {"ref": ref},
                             base=self.config.base_url.rstrip("/") + self.config.calendar_path, deadline=deadline)
            found = (data or {}).get("appointment") if isinstance(data, dict) else None
            if found and found.get("qpId"):
                return self.appointment(int(found["qpId"]), deadline_s=deadline_s)
        except QmaticNotFound:
            pass
        try:
            data = self._get("appointment_by_external_id", "/appointment/appointments/external/{ref}", {"ref": ref},
                             deadline=deadline)
        except QmaticNotFound:
            return None
        return appointment_from_json(data) if data else None

    def arrive(self, appointment_id: int, deadline_s: float | None = None) -> Visit:
        """Check in an appointment through the entry point (B2). Never retried; a timeout is resolved."""
        deadline = _Deadline(deadline_s)
        entry = self.entry_point_id(deadline_s=deadline_s)
        template = "/entrypoint/branches/{branch}/entryPoints/{entry}/visits"
        try:
            data = self._once("arrive", "POST", template, {"branch": self.config.branch_id, "entry": entry},
                              body={"appointmentId": int(appointment_id), "parameters": {}},
                              timeout=deadline.timeout(self.config.timeout_s))
        except QmaticUnavailable as exc:
            if self.calls and self.calls[-1].operation == "arrive" and self.calls[-1].status in ("timeout", "error"):
                return self._arrival_after_timeout(int(appointment_id), exc)
            raise
        except QmaticBadResponse as exc:  # an unreadable answer: the arrival may well have happened
            return self._arrival_after_timeout(int(appointment_id), exc)
        try:
            return visit_from_json(data)
        except QmaticBadResponse as exc:
            return self._arrival_after_timeout(int(appointment_id), exc)

    def _arrival_after_timeout(self, appointment_id: int, original: QmaticError) -> Visit:
        """The arrive POST timed out: did it create a visit? Look, never post again."""
        try:
            appointment = self.appointment(appointment_id, deadline_s=self.config.verify_timeout_s)
        except QmaticError:
            raise QmaticVisitUncertain("check-in outcome unknown: Qmatic did not answer") from original
        if appointment.status == "CREATED":
            raise QmaticUnavailable("Qmatic did not check the visitor in (timeout)") from original
        visit = self._find_visit(lambda v: str(v.get("appointmentId")) == str(appointment_id))
        if visit is None:
            raise QmaticVisitUncertain("the appointment is arrived but its visit was not found") from original
        return visit

    def walk_in(self, service_id: int, deadline_s: float | None = None) -> Visit:
        """A visit without appointment for a service (C1). Never retried; a timeout is resolved."""
        deadline = _Deadline(deadline_s)
        entry = self.entry_point_id(deadline_s=deadline_s)
        marker = f"elvie-{uuid.uuid4().hex[:12]}"
        template = "/entrypoint/branches/{branch}/entryPoints/{entry}/visits"
        try:
            data = self._once("walk_in", "POST", template, {"branch": self.config.branch_id, "entry": entry},
                              body={"services": [int(service_id)], "parameters": {MARKER_PARAMETER: marker}},
                              timeout=deadline.timeout(self.config.timeout_s))
        except QmaticUnavailable as exc:
            if self.calls and self.calls[-1].operation == "walk_in" and self.calls[-1].status in ("timeout", "error"):
                return self._walk_in_after_timeout(marker, exc)
            raise
        except QmaticBadResponse as exc:
            return self._walk_in_after_timeout(marker, exc)
        try:
            return visit_from_json(data)
        except QmaticBadResponse as exc:
            return self._walk_in_after_timeout(marker, exc)

    def _walk_in_after_timeout(self, marker: str, original: QmaticError) -> Visit:
        visit = self._find_marked_visit(marker)
        if visit is None:
            raise QmaticVisitUncertain("walk-in outcome unknown after a timeout") from original
        return visit

    def _find_visit(self, predicate) -> Visit | None:
        """A visit from the branch's visit list (mobile connector D6), by a predicate on its status record."""
        try:
            data = self._get("visits", "/branches/{branch}/visits", {"branch": self.config.branch_id},
                             base=self._mobile(), deadline=_Deadline(self.config.verify_timeout_s))
        except QmaticError:
            return None
        for visit_id, status in (data or {}).items() if isinstance(data, dict) else []:
            if isinstance(status, dict) and predicate(status):
                return Visit(id=int(status.get("visitId") or visit_id), ticket_id=str(status.get("ticketId")),
                             checksum=status.get("checksum"), service_id=None,
                             service_name=status.get("currentServiceName"), queue_id=status.get("queueId"))
        return None

    def _find_marked_visit(self, marker: str) -> Visit | None:
        """A walk-in visit by its marker parameter, from the queues' full visit lists (D5)."""
        try:
            deadline = _Deadline(self.config.verify_timeout_s * 2)
            queues = self._get("queues", "/servicepoint/branches/{branch}/queues/", {"branch": self.config.branch_id},
                               deadline=deadline)
            for queue in queues or []:
                visits = self._get("queue_visits", "/servicepoint/branches/{branch}/queues/{queue}/visits/full",
                                   {"branch": self.config.branch_id, "queue": int(queue["id"])}, deadline=deadline)
                for visit in visits or []:
                    if (visit.get("parameterMap") or {}).get(MARKER_PARAMETER) == marker:
                        return visit_from_json(visit)
        except (QmaticError, KeyError, TypeError, ValueError):
            return None
        return None

    def position(self, visit: Visit, deadline_s: float | None = None) -> QueuePosition | None:
        """The visitor's place in the queue (D6), if Orchestra's mobile connector tells."""
        data = self._get("visits", "/branches/{branch}/visits", {"branch": self.config.branch_id},
                         base=self._mobile(), deadline=_Deadline(deadline_s))
        status = (data or {}).get(str(visit.id)) if isinstance(data, dict) else None
        if not isinstance(status, dict):
            return None
        return QueuePosition(position=status.get("positionInQueue"), queue_size=status.get("queueSize"),
                             status=status.get("currentStatus"))

    def _mobile(self) -> str:
        return self.config.base_url.rstrip("/") + self.config.mobile_path


__all__ = ["QmaticClient", "CallRecord", "QmaticAlreadyArrived"]
