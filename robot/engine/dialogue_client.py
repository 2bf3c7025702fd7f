"""Talk to the Rasa server over its HTTP API (REST channel + tracker API).

Text and tablet touches go through the same REST webhook (touches as `/intent{...}`
messages), so both reach the dialogue by one path. Any failure becomes DialogueUnavailable:
the engine then apologises and restarts Rasa, it never crashes.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


class DialogueUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class ParsedTurn:
    intent: str | None
    confidence: float | None
    entities: list[dict[str, Any]]
    slots: dict[str, Any]


def intent_message(intent: str, entities: dict[str, Any] | None = None) -> str:
    """A message that triggers `intent` directly (Rasa's `/intent{"entity": "value"}` syntax)."""
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


class RasaClient:
    def __init__(self, url: str, token: str | None = None, timeout_s: float = 10.0):
        self.url = url.rstrip("/")
        self.token = token
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, method: str, path: str, body: Any = None) -> Any:
        try:
            http = await self._http()
            path, _, query = path.partition("?")
            params = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
            if self.token and not path.startswith("/webhooks/"):
                params["token"] = self.token
            async with http.request(method, self.url + path, json=body, params=params or None) as response:
                if response.status >= 400:
                    raise DialogueUnavailable(f"Rasa answered HTTP {response.status} on {method} "
                                              f"{path.split('?')[0].split('/conversations/')[0] or path}")
                if response.content_type == "application/json":
                    return await response.json()
                return await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError, ValueError) as exc:
            raise DialogueUnavailable(f"Rasa is not reachable at {self.url}: {type(exc).__name__}") from None

    async def healthy(self) -> bool:
        try:
            status = await self._request("GET", "/status")
            return isinstance(status, dict) and bool(status.get("model_file") or status.get("model_id"))
        except DialogueUnavailable:
            return False

    async def send(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        result = await self._request("POST", "/webhooks/rest/webhook", body)
        if not isinstance(result, list):
            raise DialogueUnavailable("Rasa gave an unexpected answer on the REST channel")
        return result

    async def set_slot(self, sender: str, name: str, value: Any) -> None:
        await self._request("POST", f"/conversations/{quote(sender)}/tracker/events",
                            [{"event": "slot", "name": name, "value": value}])

    async def parsed_turn(self, sender: str) -> ParsedTurn:
        tracker = await self._request("GET", f"/conversations/{quote(sender)}/tracker?include_events=NONE")
        latest = (tracker or {}).get("latest_message") or {}
        intent = latest.get("intent") or {}
        return ParsedTurn(intent=intent.get("name"), confidence=intent.get("confidence"),
                          entities=[{"entity": e.get("entity"), "value": e.get("value")}
                                    for e in latest.get("entities") or []],
                          slots=(tracker or {}).get("slots") or {})

    async def wipe(self, sender: str) -> None:
        """Forget a conversation: replace its tracker with nothing (privacy: nothing of the visitor stays)."""
        await self._request("PUT", f"/conversations/{quote(sender)}/tracker/events", [])
