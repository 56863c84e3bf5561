"""What a db says about itself, as Agno's dbs do: ``db.session_table_name`` and the other
``*_table_name`` attributes, and ``db.to_dict()``."""

from __future__ import annotations

from typing import Any

from agno_core.db._interface import BaseDb
from agno_core.db._schema import TableNames

__all__ = ["Description"]


class Description(BaseDb):
    """Agno's descriptive attributes of a db. Part of `DbBase` (which sets what they read)."""

    # The ``type`` of `to_dict` (Agno's names: "sqlite", "async_postgres", ...).
    _agno_type = "sql"
    id: str
    table_names: TableNames
    metrics_table_name: str
    db_schema: str | None

    @property
    def db_url(self) -> str:
        raise NotImplementedError

    # Agno's ``db.<kind>_table_name`` attributes, for the tables this package has.
    @property
    def session_table_name(self) -> str:
        """The sessions table's name (``session_table=``)."""
        return self.table_names.sessions

    @property
    def runs_table_name(self) -> str:
        """The runs table's name (``runs_table=``)."""
        return self.table_names.runs

    @property
    def memory_table_name(self) -> str:
        """The memories table's name (``memory_table=``)."""
        return self.table_names.memories

    @property
    def eval_table_name(self) -> str:
        """The eval runs table's name (``eval_table=``)."""
        return self.table_names.evals

    @property
    def versions_table_name(self) -> str:
        """The schema versions table's name (``versions_table=``)."""
        return self.table_names.versions

    @property
    def cancel_intents_table_name(self) -> str:
        """The cancel intents table's name (``cancel_intents_table=``; agno_core's own)."""
        return self.table_names.cancel_intents

    def to_dict(self) -> dict[str, Any]:
        """The db's id, table names and location, as Agno's ``db.to_dict()``.

        Only the tables this package has are listed. The URL is given with its password
        masked (``***``): a dict made to be logged or shown never carries a secret.
        """
        return {
            "id": self.id,
            "session_table": self.session_table_name,
            "runs_table": self.runs_table_name,
            "memory_table": self.memory_table_name,
            "metrics_table": self.metrics_table_name,
            "eval_table": self.eval_table_name,
            "versions_table": self.versions_table_name,
            "cancel_intents_table": self.cancel_intents_table_name,
            **self._location(),
        }

    def _location(self) -> dict[str, Any]:
        """Where the db is, for `to_dict` (backends name their own keys and type)."""
        return {"db_url": self.db_url, "db_schema": self.db_schema, "type": self._agno_type}
