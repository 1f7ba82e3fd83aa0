"""How one SQL value reads in each output format: text for tables and CSV, plain JSON for json and jsonl.

DuckDB hands back bytes for BLOBs, dicts for STRUCTs and MAPs, lists for LISTs and Python booleans; printed with
``str`` they read as Python (``b'<!doctype'``, ``{'a': 1}``, ``True``), not as data another tool can read.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from uuid import UUID


def blob_text(value: bytes | bytearray | memoryview) -> str:
    """A BLOB as text: UTF-8 where it is (page bodies), other bytes as backslash-x escapes."""
    return bytes(value).decode("utf-8", errors="backslashreplace")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: structs as objects, lists as arrays, BLOBs as text, times as ISO strings."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return blob_text(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID | dt.timedelta):
        return str(value)
    return str(value)


def text_cell(value: Any) -> str:
    """``value`` as one table or CSV cell: booleans true/false, structs and lists as JSON, BLOBs as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        return blob_text(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(jsonable(value), ensure_ascii=False)
    return str(value)


def csv_value(value: Any) -> Any:
    """``value`` for a CSV writer: what :func:`text_cell` rewrites, as text; numbers and text as they are."""
    if isinstance(value, bool | bytes | bytearray | memoryview | dict | list | tuple):
        return text_cell(value)
    return value
