"""What every asset module shares: the group, the owners, a table's column schema."""

from collections.abc import Callable
from typing import Any

import dagster as dg

from warehouse.reports import (
    column_docs,
)

GROUP = "claimwatch"
OWNERS = ["team:data-engineering"]


def stage_asset(*, kinds: set[str], group_name: str = GROUP, **options: Any) -> Callable[..., Any]:
    """``dg.asset`` with what every stage shares: its group (``claimwatch``) and owners.

    The asset's description is its function's docstring (Dagster's default), so it is written once.
    """
    return dg.asset(kinds=kinds, group_name=group_name, owners=OWNERS, **options)


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
