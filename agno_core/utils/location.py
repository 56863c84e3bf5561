"""The machine's approximate location, for ``add_location_to_context`` (IP geolocation).

The lookup asks two public services (the public IP, then its city); any failure (no network,
an odd payload) gives an empty result, so a run never fails over it. A success is kept for the
process and a failure for `RETRY_AFTER` seconds, so runs do not each wait on the network.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import openai

from agno_core._sync import run_sync

__all__ = ["aget_location", "get_location"]

log = logging.getLogger("agno_core")

_IP_URL = "https://api.ipify.org?format=json"
_GEO_URL = "http://ip-api.com/json/{ip}"
RETRY_AFTER = 300.0
_cached: dict[str, Any] | None = None
_failed_at: float | None = None


async def _lookup(timeout: float) -> dict[str, Any]:
    # The SDK's own client class: httpx on openai 2.x, httpx2 on 3.x (agno_core needs neither).
    async with openai.DefaultAsyncHttpxClient(timeout=timeout) as client:
        ip = (await client.get(_IP_URL)).json()["ip"]
        response = await client.get(_GEO_URL.format(ip=ip))
        response.raise_for_status()
        data: dict[str, Any] = response.json()
    return data


async def aget_location(timeout: float = 5.0) -> dict[str, Any]:
    """``{"city", "region", "country"}`` of this machine's public IP, or ``{}`` if unknown."""
    global _cached, _failed_at
    if _cached is not None:
        return dict(_cached)
    if _failed_at is not None and time.monotonic() - _failed_at < RETRY_AFTER:
        return {}
    try:
        data = await _lookup(timeout)
    except Exception as exc:  # decoration of the system message: never fails a run
        log.warning("could not look up the location: %s", exc)
        _failed_at = time.monotonic()
        return {}
    _cached = {key: data.get(key) for key in ("city", "region", "country")}
    return dict(_cached)


def get_location(timeout: float = 5.0) -> dict[str, Any]:
    """Synchronous `aget_location`."""
    return run_sync(aget_location(timeout))
