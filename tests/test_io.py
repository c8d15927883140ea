import json

import pandas as pd
import pytest

from pipeline.errors import ConfigError
from pipeline.io import arrow_table, atomic_path, write_rows

ROWS = [{"id": "a", "n": 1, "actors": [{"text": "企业"}]}, {"id": "b", "n": 2, "actors": []}]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "table"])
def test_io_write_formats(tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    assert write_rows(ROWS, out, fmt=fmt) == 2
    if fmt == "jsonl":
        assert [json.loads(x)["actors"] for x in out.read_text(encoding="utf-8").splitlines()] == [[{"text": "企业"}], []]
    elif fmt == "csv":
        assert list(pd.read_csv(out, encoding="utf-8-sig").id) == ["a", "b"]
    elif fmt == "parquet":
        assert json.loads(pd.read_parquet(out).actors[0]) == [{"text": "企业"}]
    else:
        assert "企业" in out.read_text(encoding="utf-8")


def test_io_stdout(capsys):
    write_rows(ROWS, "-", fmt="jsonl")
    assert capsys.readouterr().out.count("\n") == 2


def test_io_unknown_format_and_parquet_to_stdout(tmp_path):
    with pytest.raises(ConfigError, match="format"):
        write_rows(ROWS, tmp_path / "x", fmt="xml")
    with pytest.raises(ConfigError, match="standard output"):
        write_rows(ROWS, "-", fmt="parquet")


def test_io_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("killed")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_io_arrow_table_matches_pyarrow_from_pylist():
    pa = pytest.importorskip("pyarrow")
    rows = [{"s": "企业", "i": 1, "f": 0.5, "mixed": 1, "b": True, "none": None, "opt": None, "l": [1]},
            {"s": None, "i": -2**40, "f": 2.0, "mixed": 2.5, "b": False, "none": None, "opt": "学校", "l": []}]
    got = arrow_table(rows)
    want = pa.Table.from_pylist(rows)
    assert got.schema == want.schema
    assert got.to_pylist() == want.to_pylist()
    # rows that do not share their keys are left to pyarrow (missing → null)
    ragged = [{"a": 1}, {"b": "x"}]
    assert arrow_table(ragged).to_pylist() == pa.Table.from_pylist(ragged).to_pylist()
    assert arrow_table([]).num_rows == 0
