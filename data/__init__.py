"""Storage only: the DuckDB connection, schema migrations and every SQL query of Medspil."""

from data.db import Database
from data.opening import open_database

__all__ = ["Database", "open_database"]
