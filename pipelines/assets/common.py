"""What every asset module shares: the group, the owners, a table's column schema."""

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import dagster as dg

from warehouse.docs import columns_file
from warehouse.reports import (
    column_docs,
)

GROUP = "claimwatch"
OWNERS = ["team:data-engineering"]


def stage_asset(
    *, kinds: set[str], group_name: str = GROUP, table: str | None = None, **options: Any
) -> Callable[..., Any]:
    """``dg.asset`` with what every stage shares: its group (``claimwatch``) and owners.

    The asset's description is its function's docstring (Dagster's default), so it is written once. ``table``: the
    warehouse table the asset writes; its column schema (types, required, meanings) is declared on the definition,
    so the asset's page shows the columns before the first materialisation.
    """
    if table is not None:
        options["metadata"] = {
            "warehouse_table": table,
            "dagster/column_schema": declared_column_schema(table),
            **options.get("metadata", {}),
        }
    return dg.asset(kinds=kinds, group_name=group_name, owners=OWNERS, **options)


def _table_schema(columns: Iterable[tuple[str, str, bool, str | None]]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name, typ, description=comment or "", constraints=dg.TableColumnConstraints(nullable=not req)
            )
            for name, typ, req, comment in columns
        ]
    )


def column_schema(con: Any, table: str) -> dg.TableSchema:
    """The table's columns as the warehouse has them, with the meanings its migrations gave them (COMMENT ON)."""
    return _table_schema(column_docs(con, table))


@cache
def _declared_columns() -> dict[str, list[dict[str, Any]]]:
    return columns_file()  # read once per process: every asset module's import asks for its table


def declared_column_schema(table: str) -> dg.TableSchema:
    """The table's columns as ``warehouse/schema/columns.yaml`` declares them (no warehouse is opened).

    A KeyError names a table the file does not have: an asset naming a table that does not exist fails at import.
    """
    columns = _declared_columns()[table]
    return _table_schema((c["name"], c["type"], c["required"], c["meaning"]) for c in columns)
