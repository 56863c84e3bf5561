"""Hot-path statements: built from the SQLAlchemy tables, compiled once, bound per call.

`Statement.compile` keeps what executing a statement on the raw driver needs (SQL text in the
driver's parameter style, parameter order, the members of expanded ``IN`` lists, which
parameters and result columns are JSON), so that `agno_core.db._direct` can run it in one driver
round trip with the same SQL SQLAlchemy itself would send.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json
from sqlalchemy import JSON, bindparam

__all__ = ["Bound", "Statement", "json_text", "param"]

# (compiled statement, driver parameters): one step of a write, or a read.
Bound = tuple["Statement", Any]


def json_text(value: Any) -> str:
    """``value`` as JSON text, for a JSON parameter.

    pydantic-core's serializer writes a run's data several times faster than ``json.dumps``
    (most of a stored run's serialisation cost); what it cannot write (a lone surrogate in a
    string) goes to ``json.dumps``, which escapes it or raises as before. Like ``json.loads``
    of either, the text reads back as the same value.
    """
    try:
        return to_json(value).decode()
    except (ValueError, UnicodeError):  # PydanticSerializationError is a ValueError
        return json.dumps(value)


def param(name: str, prefix: str = "p_") -> Any:
    """A named parameter for a hot-path statement: ``prefix + name``, value given at bind time.

    Prefixed so that a parameter never collides with the names SQLAlchemy gives columns; not
    required, so that statements compile before their values are known.
    """
    return bindparam(prefix + name, required=False)


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement compiled once for one dialect, ready to run on that dialect's driver.

    Args:
        sql: The SQL text in the driver's parameter style.
        names: Every parameter name, in position order for positional styles (SQLite's ``?``).
        positional: Whether the driver takes a tuple (else a dict: psycopg's ``%(name)s``).
        fixed: Values compiled into the statement (the members of an expanded ``IN`` list).
        json_params: Parameters of JSON type: serialized here, as SQLAlchemy's bind processor
            would.
        json_columns: Positions of JSON result columns: parsed when the driver returns text.
    """

    sql: str
    names: tuple[str, ...]
    positional: bool
    fixed: Mapping[str, Any]
    json_params: frozenset[str]
    json_columns: tuple[int, ...]

    @classmethod
    def compile(cls, stmt: Any, dialect: Any) -> Statement:
        """Compile a SQLAlchemy Core statement whose parameters are named ``bindparam``s."""
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.params
        json_params = frozenset(
            name for name, bind in compiled.binds.items() if isinstance(bind.type, JSON)
        )
        fixed = {name: value for name, value in params.items() if value is not None}
        columns = getattr(stmt, "selected_columns", None)
        if columns is None or not getattr(stmt, "is_select", False):
            json_columns: tuple[int, ...] = ()
        else:
            json_columns = tuple(
                i for i, column in enumerate(columns) if isinstance(column.type, JSON)
            )
        positional = bool(compiled.positional)
        return cls(
            sql=compiled.string,
            names=tuple(compiled.positiontup) if positional else tuple(params),
            positional=positional,
            fixed=fixed,
            json_params=json_params,
            json_columns=json_columns,
        )

    def bind(self, values: Mapping[str, Any]) -> Bound:
        """Driver parameters for ``values`` (a missing name is NULL)."""
        merged = {**self.fixed, **values}
        for name in self.json_params & merged.keys():
            if merged[name] is not None:
                merged[name] = json_text(merged[name])
        if self.positional:
            return self, tuple(map(merged.get, self.names))
        return self, {name: merged.get(name) for name in self.names}

    def rows(self, raw_rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        """Result rows with JSON columns parsed (PostgreSQL's driver already returns objects)."""
        if not self.json_columns:
            return [tuple(r) for r in raw_rows]
        out = []
        for raw in raw_rows:
            row = list(raw)
            for i in self.json_columns:
                if isinstance(row[i], str | bytes):
                    row[i] = json.loads(row[i])
            out.append(tuple(row))
        return out
