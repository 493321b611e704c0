"""Tables that fit any terminal width without corrupting data.

A column is either an *atom* (an ID, a status, ``file:line``, an address, a
name: never split, never cropped) or *prose* (folds at word boundaries).
:func:`fitted` draws a rich table when every atom fits whole at the console's
width, and otherwise the same rows as stacked records (``header: value``
lines), so a pipe or CI log at 80 columns shows every value whole — long
values fold onto the next line, nothing is cut with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

#: Narrowest a prose column may get before the table gives way to records.
MIN_PROSE_WIDTH = 30
#: Per column: one space of padding each side plus one border; plus the closing border.
_COLUMN_OVERHEAD = 3
_TABLE_OVERHEAD = 1

Cell = str | Text


@dataclass(frozen=True)
class Column:
    header: str
    #: Never split or cropped (identifiers, statuses, file:line, addresses).
    atom: bool = False
    justify: str = "left"


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _cell_width(cell: Cell) -> int:
    return max((Text(line).cell_len for line in _plain(cell).splitlines()), default=0)


def table_width(columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> int:
    """Width the table needs: atoms whole, prose at :data:`MIN_PROSE_WIDTH` (or less if shorter)."""
    total = _TABLE_OVERHEAD
    for i, column in enumerate(columns):
        widest = max([Text(column.header).cell_len, *(_cell_width(row[i]) for row in rows)])
        total += (widest if column.atom else min(widest, MIN_PROSE_WIDTH)) + _COLUMN_OVERHEAD
    return total


def fitted(title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int) -> RenderableType:
    """A table if it fits ``width`` with every atom whole, else one record per row."""
    if table_width(columns, rows) <= width:
        # The title is plain text in both layouts (a name with "[" is not markup).
        table = Table(title=Text(title) if title else None, expand=False)
        for i, column in enumerate(columns):
            if column.atom:
                widest = max([Text(column.header).cell_len, *(_cell_width(row[i]) for row in rows)])
                table.add_column(column.header, no_wrap=True, min_width=widest, justify=column.justify)  # type: ignore[arg-type]
            else:
                table.add_column(column.header, overflow="fold", justify=column.justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*row)
        return table
    return records(title, columns, rows)


def records(title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> RenderableType:
    """Rows as ``header: value`` records: every value whole, folded (never cropped) under its own column."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    label = max((Text(c.header).cell_len for c in columns), default=0) + 1
    for row in rows:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True, style="dim", min_width=label)
        grid.add_column(overflow="fold")
        for column, cell in zip(columns, row, strict=True):
            if _plain(cell):
                grid.add_row(f"{column.header}:", cell)
        parts.append(Padding(grid, (1, 0, 0, 0)))
    return Group(*parts)
