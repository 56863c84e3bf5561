"""The machine's approximate location, for ``add_location_to_context`` (IP geolocation).

The lookup asks two public services (the public IP, then its city); any failure (no network,
an odd payload) gives an empty result, so a run never fails over it. A success is kept for the
process, so runs after the first do not wait on the network.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from agno_core._sync import run_sync

__all__ = ["aget_location", "get_location"]

log = logging.getLogger("agno_core")

_IP_URL = "https://api.ipify.org?format=json"
_GEO_URL = "http://ip-api.com/json/{ip}"
_cached: dict[str, Any] | None = None


async def aget_location(timeout: float = 5.0) -> dict[str, Any]:
    """``{"city", "region", "country"}`` of this machine's public IP, or ``{}`` if unknown."""
    global _cached
    if _cached is not None:
        return dict(_cached)
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            ip = (await client.get(_IP_URL)).json()["ip"]
            response = await client.get(_GEO_URL.format(ip=ip))
            response.raise_for_status()
            data = response.json()
    except Exception as exc:  # decoration of the system message: never fails a run
        log.warning("could not look up the location: %s", exc)
        return {}
    _cached = {key: data.get(key) for key in ("city", "region", "country")}
    return dict(_cached)


def get_location(timeout: float = 5.0) -> dict[str, Any]:
    """Synchronous `aget_location`."""
    return run_sync(aget_location(timeout))
