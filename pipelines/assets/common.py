"""What every asset module shares: the group, the owners, a table's column schema."""

from typing import Any

import dagster as dg

from warehouse.reports import (
    column_docs,
)

GROUP = "claimwatch"
OWNERS = ["team:data-engineering"]


def column_schema(con: Any, table: str) -> dg.TableSchema:
    """The table's columns with their types and the meanings its migrations gave them (COMMENT ON)."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name, typ, description=comment or "", constraints=dg.TableColumnConstraints(nullable=not req)
            )
            for name, typ, req, comment in column_docs(con, table)
        ]
    )
