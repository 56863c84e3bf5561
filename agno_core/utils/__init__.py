"""Helpers at the module paths Agno users import (``agno_core.utils.pprint``, ...)."""

from __future__ import annotations

__all__: list[str] = []
