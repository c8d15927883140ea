"""Output: rows (dicts) to JSON Lines, CSV, Parquet, Excel or a readable table; atomic writes.

Example:
    >>> write_rows([{"id": "a", "n": 1}], "-", fmt="jsonl")          # doctest: +SKIP
    {"id": "a", "n": 1}
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from .errors import ConfigError, value_invalid_msg

FORMATS = ("jsonl", "csv", "parquet", "table", "xlsx")


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ""):
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds.

    A killed process leaves a stray ``.tmp`` file, never a half-written output.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix + ".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    return value


def dumps(row: dict) -> str:
    """One JSON line (UTF-8 characters kept, not escaped)."""
    return json.dumps(row, ensure_ascii=False, default=_jsonable)


def _flat(row: dict) -> dict:
    # CSV and Parquet cells cannot hold lists of objects: nested values become JSON text.
    return {k: (dumps(v) if isinstance(v, (list, dict, tuple)) else v) for k, v in row.items()}


def write_rows(rows: Iterable[dict], out: str | os.PathLike, *, fmt: str = "jsonl", columns: list[str] | None = None,
               table_labels: dict[str, str] | None = None) -> int:
    """Write rows to ``out`` ("-" for standard output) in ``fmt``; returns the number of rows.

    Args:
        rows: dicts; nested values are kept in jsonl and stored as JSON text in csv/parquet/xlsx.
        out: a file path or "-".
        fmt: one of jsonl, csv, parquet, table, xlsx.
        columns: column order for csv/parquet/table (default: keys of the first row).
        table_labels: header names for the table format (e.g. dimension id → 中文名).
    """
    if fmt not in FORMATS:
        raise ConfigError(value_invalid_msg("format", fmt, FORMATS))
    if fmt == "jsonl":
        if str(out) == "-":
            n = 0
            for r in rows:
                sys.stdout.write(dumps(r) + "\n")
                n += 1
            sys.stdout.flush()
            return n
        n = 0
        with atomic_path(out) as tmp, open(tmp, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(dumps(r) + "\n")
                n += 1
        return n
    import pandas as pd

    rows = list(rows)
    df = pd.DataFrame([_flat(r) for r in rows], columns=columns)
    if fmt == "table":
        text = format_table(df, labels=table_labels)
        if str(out) == "-":
            sys.stdout.write(text + "\n")
        else:
            with atomic_path(out) as tmp:
                Path(tmp).write_text(text + "\n", encoding="utf-8")
        return len(df)
    if str(out) == "-":
        if fmt != "csv":
            raise ConfigError(f"format {fmt} cannot be written to standard output; give -o FILE")
        df.to_csv(sys.stdout, index=False)
        return len(df)
    with atomic_path(out) as tmp:
        if fmt == "csv":
            df.to_csv(tmp, index=False, encoding="utf-8-sig")  # BOM: Excel opens Chinese CSV correctly
        elif fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_excel(tmp, index=False)
    return len(df)


def arrow_table(rows: list[dict]):
    """A pyarrow Table of row dicts (columns: the first row's keys), as ``Table.from_pylist``
    would make it, without pyarrow's pandas probe for the common column kinds.

    pyarrow imports pandas on its first conversion of Python values, to check whether they are
    pandas objects: 0.2–0.3 s of every run that writes Parquet, for nothing. Columns of str
    (or None), int, float or bool values are built here from Arrow builders and numpy buffers,
    which do no probing; any other column goes through ``pyarrow.array`` as before.
    """
    import pyarrow as pa

    if not rows:
        return pa.table({})
    names = list(rows[0])
    try:
        columns = [list(map(itemgetter(name), rows)) for name in names]
    except KeyError:  # rows with differing keys: pyarrow's own handling (missing → null)
        return pa.Table.from_pylist(rows)
    return pa.Table.from_arrays([_arrow_column(values) for values in columns], names=names)


def _arrow_column(values: list):
    import numpy as np
    import pyarrow as pa

    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        if kinds == {type(None)}:
            return pa.nulls(len(values))
        builder = pa.lib.StringBuilder()
        builder.append_values(values)
        return builder.finish()
    if kinds == {int}:
        try:
            data = np.array(values, dtype=np.int64)
        except OverflowError:
            return pa.array(values)
        return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(data)])
    if kinds <= {int, float} and float in kinds:
        data = np.array(values, dtype=np.float64)
        return pa.Array.from_buffers(pa.float64(), len(values), [None, pa.py_buffer(data)])
    if kinds == {bool}:
        bits = np.packbits(np.array(values, dtype=bool), bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    return pa.array(values)


def format_table(df, *, labels: dict[str, str] | None = None, max_width: int = 40) -> str:
    """A plain-text table for a terminal; long cells are shortened with …"""
    if df.empty:
        return "(no rows)"
    df = df.rename(columns=labels or {})

    def cut(v):
        s = "" if v is None else str(v)
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    return df.map(cut).to_string(index=False)
