"""Response streams for cassettes, for httpx and httpx2 alike.

`tee` wraps a live response's stream so the bytes the SDK reads are recorded as they pass (with
when they arrived); `replayed` builds a response that yields recorded chunks, optionally at their
recorded pace. Each HTTP library checks that a stream derives from its own ``SyncByteStream`` /
``AsyncByteStream``, so the classes are built per library from the plain implementations here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any

__all__ = ["Arrival", "replayed", "tee"]

# (seconds since the request was sent, the chunk)
Arrival = tuple[float, bytes]

_CLASSES: dict[tuple[str, str], type] = {}


class _Replay:
    def __init__(self, chunks: Sequence[bytes], delays: Sequence[float] | None) -> None:
        self._chunks = chunks
        self._delays = delays

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if self._delays is not None and self._delays[index] > 0:
                time.sleep(self._delays[index])
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self._chunks):
            if self._delays is not None and self._delays[index] > 0:
                await asyncio.sleep(self._delays[index])
            yield chunk

    def close(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


class _Tee:
    def __init__(
        self, inner: Any, started: float, on_done: Callable[[list[Arrival], bool], None]
    ) -> None:
        self._inner = inner
        self._started = started
        self._on_done: Callable[[list[Arrival], bool], None] | None = on_done
        self._arrivals: list[Arrival] = []

    def _seen(self, chunk: bytes) -> None:
        self._arrivals.append((time.perf_counter() - self._started, bytes(chunk)))

    def _finish(self, exhausted: bool) -> None:
        done, self._on_done = self._on_done, None
        if done is not None:
            done(self._arrivals, exhausted)

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._seen(chunk)
            yield chunk
        self._finish(True)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._seen(chunk)
            yield chunk
        self._finish(True)

    # The SDK may close a stream once it saw the last event, before the body's end was read; the
    # recipient decides whether what was read is whole.
    def close(self) -> None:
        self._finish(False)
        self._inner.close()

    async def aclose(self) -> None:
        self._finish(False)
        await self._inner.aclose()


def _stream_class(module: ModuleType, impl: type) -> type:
    key = (module.__name__, impl.__name__)
    cls = _CLASSES.get(key)
    if cls is None:
        bases = (impl, module.SyncByteStream, module.AsyncByteStream)
        cls = _CLASSES[key] = type(f"{impl.__name__}Stream", bases, {})
    return cls


def tee(
    module: ModuleType,
    response: Any,
    started: float,
    on_done: Callable[[list[Arrival], bool], None],
) -> Any:
    """``response`` with its stream recorded: ``on_done(arrivals, exhausted)`` is called once,
    when the body was read to its end (``exhausted``) or when it is closed before."""
    if response.is_stream_consumed:  # a body read already (an in-process transport below us)
        on_done([(time.perf_counter() - started, response.content)], True)
        return response
    response.stream = _stream_class(module, _Tee)(response.stream, started, on_done)
    return response


def replayed(
    module: ModuleType,
    status: int,
    headers: Iterable[tuple[str, str]],
    chunks: Sequence[bytes],
    delays: Sequence[float] | None,
) -> Any:
    """A ``module.Response`` that yields ``chunks`` (waiting ``delays[i]`` before each)."""
    stream = _stream_class(module, _Replay)(chunks, delays)
    return module.Response(status, headers=list(headers), stream=stream)
