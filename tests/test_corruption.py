"""Generated corruption suite: every dataset x every kind of corruption exits 2, names the file, no traceback.

Each kind of corruption is applied to every file of a small copy of the demo evidence (300 cases) at
once, and ``review validate`` runs on that folder in-process, once per kind; each dataset's own lines
must name its file and say what is wrong. Beyond the reading of the corrupted file, what ``validate``
then checks depends only on what the corruption left of the dataset (:func:`_left`: the file refused,
one value refused, a date kept that its window refuses). So one corruption of each dataset for each
such state also runs alone, every other file intact (:data:`ALONE_CASES`): the checks across files meet
each dataset missing, and each of its refused values, as a council's folder would have them.
Property tests feed the readers random bytes and random cells.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.cli import main
from review.data.cells import parse_cell, parse_column
from review.data.demo import write_demo
from review.data.io import MAX_CELL_CHARS, _records_fast, _records_slow, read_table
from review.data.schema import DATASETS, Column
from review.exceptions import DataValidationError


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "data"
    write_demo(folder, seed=3, cases=300)
    return folder


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _xlsx(path: Path, rows: list[list[str]], *, hidden: bool = False, formula: bool = False) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = path.stem
    for row in rows:
        ws.append(row)
    if formula:
        ws["A2"] = "=1+1"  # openpyxl stores no cached value, as a workbook never opened in Excel
    if hidden:
        book.create_sheet("old").sheet_state = "hidden"
    book.save(path)


def _first(name: str, kinds: tuple[str, ...]) -> str | None:
    return next((c.name for c in DATASETS[name].columns if c.kind in kinds), None)


def _set(path: Path, column: str, value: str) -> None:
    rows = _rows(path)
    rows[1][rows[0].index(column)] = value
    _write(path, rows)


def _corrupt(kind: str, folder: Path, name: str) -> str:
    """Apply one corruption to ``<name>.csv``; return a fragment the message must contain."""
    path = folder / f"{name}.csv"
    for corrupt in (_corrupt_bytes, _corrupt_files, _corrupt_cells):
        fragment = corrupt(kind, folder, name, path)
        if fragment is not None:
            return fragment
    raise AssertionError(kind)


def _corrupt_bytes(kind: str, folder: Path, name: str, path: Path) -> str | None:
    """Corruptions of the file's bytes and rows."""
    data = path.read_bytes()
    if kind == "binary":
        path.write_bytes(data + b"\x00\x01\x02binary\n")
        return "binary content"
    if kind == "mixed encoding":
        path.write_bytes(data.replace(b"\n", " \u2013\n".encode(), 1) + b"caf\xe9\n")
        return "mixes encodings"
    if kind == "undecodable":
        path.write_bytes(data + b"\x81\x8d\n")
        return "which is neither"
    if kind == "duplicate header":
        rows = _rows(path)
        _write(path, [r + [r[0]] for r in rows])
        return "appears twice"
    if kind == "ragged row":
        rows = _rows(path)
        rows[1] = [*rows[1], "", "extra"]
        _write(path, rows)
        return "beyond the header"
    return None


def _corrupt_files(kind: str, folder: Path, name: str, path: Path) -> str | None:
    """Corruptions of the file itself: its format, its name, links."""
    if kind == "xlsx named csv":
        rows = _rows(path)
        _xlsx(path.with_suffix(".xlsx"), rows)
        path.with_suffix(".xlsx").rename(path)
        return "named .csv"
    if kind == "csv named xlsx":
        path.rename(path.with_suffix(".xlsx"))
        return "expected an Excel workbook"
    if kind == "corrupt xlsx":
        path.unlink()
        path.with_suffix(".xlsx").write_bytes(b"PK\x03\x04" + os.urandom(200))
        return "does not open"
    if kind == "hidden sheet":
        _xlsx(path.with_suffix(".xlsx"), _rows(path), hidden=True)
        path.unlink()
        return "hidden"
    if kind == "formula without value":
        _xlsx(path.with_suffix(".xlsx"), _rows(path), formula=True)
        path.unlink()
        return "a formula with no saved value"
    if kind == "two files":
        _xlsx(path.with_suffix(".xlsx"), _rows(path))
        return "expected one"
    if kind == "link out of the folder":
        outside = folder.parent / f"outside-{name}.csv"
        shutil.copy(path, outside)
        path.unlink()
        path.symlink_to(outside)
        return "leads out of the data folder"
    if kind == "link to a folder":
        (folder / "sub").mkdir(exist_ok=True)
        path.unlink()
        path.symlink_to(folder / "sub")
        return "not a regular file"
    return None


NUMBER_HELP = "expected a number written like"
CELLS = {  # kind -> (the column: the first of these kinds, or None for the first column; the value; the fragment)
    "oversized cell": (None, "x" * (MAX_CELL_CHARS + 1), "longer than the limit"),
    "control character": (None, "A\x07B", "control"),
    "stray whitespace": (("id", "cycle"), " X1 ", "without spaces around it"),
    "decimal comma": (("count", "number"), "30,5", NUMBER_HELP),
    "grouping in the wrong place": (("count", "number"), "1,0,0", NUMBER_HELP),
    "nan": (("count", "number", "rate"), "nan", NUMBER_HELP),
    "inf": (("count", "number", "rate"), "inf", NUMBER_HELP),
    "date in 2099": (("date",), "2099-06-01", "outside"),
}


def _cell_column(name: str, kind: str) -> str | None:
    """The column whose first value a corruption of one cell replaces."""
    kinds = CELLS[kind][0]
    return DATASETS[name].columns[0].name if kinds is None else _first(name, kinds)


def _corrupt_cells(kind: str, folder: Path, name: str, path: Path) -> str | None:
    """Corruptions of one cell's value."""
    if kind not in CELLS:
        return None
    _, value, fragment = CELLS[kind]
    _set(path, _cell_column(name, kind), value)
    return fragment


def _left(name: str, kind: str) -> tuple[str, str | None]:
    """What a corruption leaves of the dataset for the checks that follow the reading of its file.

    The file is refused as a whole (the dataset is missing; an oversized cell refuses the file), or one
    value is refused (left empty), or a date is kept that its window refuses. A duplicated heading's
    second copy is refused and the first read: the table is the valid folder's.
    """
    if kind == "duplicate header":
        return "as in the valid folder", None
    if kind == "date in 2099":
        return "a date outside its window", _cell_column(name, kind)
    if kind in CELLS and kind != "oversized cell":
        return "one value refused", _cell_column(name, kind)
    return "the file refused", None


ALWAYS = ("binary", "mixed encoding", "undecodable", "oversized cell", "duplicate header", "ragged row",
          "xlsx named csv", "csv named xlsx", "corrupt xlsx", "hidden sheet", "formula without value", "two files",
          "link out of the folder", "link to a folder", "control character", "stray whitespace")
NUMERIC = ("decimal comma", "grouping in the wrong place", "nan", "inf")
CASES = [(name, kind) for name in DATASETS for kind in ALWAYS]
CASES += [(name, kind) for name in DATASETS if _first(name, ("count", "number")) for kind in NUMERIC]
CASES += [(name, "date in 2099") for name in DATASETS if _first(name, ("date",))]


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    return [f"{n}-{k.replace(' ', '_')}" for n, k in cases]


def _validate(folder: Path) -> tuple[int, str]:
    """``review validate FOLDER`` in-process: (exit code, standard error)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", str(folder)])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def every_file_corrupted(small, tmp_path_factory):
    """``kind`` -> (exit code, standard error, fragment) of validating a copy of ``small`` in which every
    dataset the kind applies to is corrupted by it (run once per kind, when first asked)."""
    runs: dict[str, tuple[int, str, str]] = {}

    def run(kind: str) -> tuple[int, str, str]:
        if kind not in runs:
            folder = tmp_path_factory.mktemp(kind.replace(" ", "_")) / "data"
            shutil.copytree(small, folder)
            fragments = {_corrupt(kind, folder, name) for name, k in CASES if k == kind}
            assert len(fragments) == 1, fragments
            runs[kind] = (*_validate(folder), fragments.pop())
        return runs[kind]

    return run


def _check(code: int, err: str, name: str, expected: str) -> None:
    """Exit 2, no traceback, a line about ``name``'s file saying ``expected``, no line quoting more than a cell."""
    assert code == 2
    assert "Traceback" not in err
    own = [line for line in err.splitlines() if line.startswith(f"  - {name}.")]
    assert any(expected in line for line in own), (own or err.splitlines())[:40]
    assert max(len(line) for line in err.splitlines()) < 1200  # no line quotes more than the offending cell


@pytest.mark.parametrize(("name", "kind"), CASES, ids=_ids(CASES))
def test_every_corruption_exits_2_naming_the_file(every_file_corrupted, name, kind):
    code, err, expected = every_file_corrupted(kind)
    _check(code, err, name, expected)


def _alone_cases() -> list[tuple[str, str]]:
    """One corruption of each dataset for each state it can leave the dataset in (:func:`_left`; the first
    kind of each state, in the order of the cases), to run on a folder whose every other file is intact."""
    states: dict[tuple[str, str, str | None], tuple[str, str]] = {}
    for name, kind in CASES:
        left = _left(name, kind)
        if left[0] != "as in the valid folder":
            states.setdefault((name, *left), (name, kind))
    return list(states.values())


ALONE_CASES = _alone_cases()


@pytest.mark.parametrize(("name", "kind"), ALONE_CASES, ids=_ids(ALONE_CASES))
def test_one_corruption_alone_exits_2_naming_the_file(small, tmp_path, name, kind):
    folder = tmp_path / "data"
    shutil.copytree(small, folder)
    expected = _corrupt(kind, folder, name)
    code, err = _validate(folder)
    _check(code, err, name, expected)


def test_the_original_small_copy_is_valid(small, capsys):
    assert main(["validate", str(small)]) == 0


def test_moderation_circle_and_self_moderation_are_refused(small, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(small, folder)
    rows = _rows(folder / "audits.csv")
    col, ids = rows[0].index("moderation_of"), rows[0].index("audit_id")
    rows[1][col] = rows[2][ids]  # row 2 moderates row 3 ...
    rows[2][col] = rows[1][ids]  # ... and row 3 moderates row 2: a circle
    rows[3][col] = rows[3][ids]  # row 4 moderates itself
    _write(folder / "audits.csv", rows)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "audits.csv, row 2, column 'moderation_of': moderation goes round in a circle" in err
    assert f"{rows[1][ids]} -> {rows[2][ids]} -> {rows[1][ids]}" in err
    assert (f"audits.csv, row 4, column 'moderation_of': the audit names itself as the audit it moderates "
            f"(found '{rows[3][ids]}')") in err


def test_a_long_bad_cell_is_quoted_cut(small, tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(small, folder)
    _set(folder / "indicators.csv", "numerator", "9" * 50 + "x" * 500)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "... (550 characters)" in err
    assert "x" * 100 not in err


# --- strict values, one grammar --------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [("1234", 1234.0), ("1,234", 1234.0), ("1,234,567.25", 1234567.25),
                                             ("0.5", 0.5), ("12.0", 12.0)])
def test_numbers_in_the_grammar(text, value):
    assert parse_cell(text, Column("x", "number")) == (value, None)


@pytest.mark.parametrize("text", ["30,5", "1,0,0", "1,23", "12,3456", "nan", "NaN", "inf", "-inf", "1e3", "1.2.3",
                                  "0x10", "١٢", "1_000", ".5", "5."])
def test_numbers_outside_the_grammar_are_refused(text):
    value, problem = parse_cell(text, Column("x", "number"))
    assert problem is not None, text
    assert problem.startswith("expected a number written like"), text


def test_counts_keep_their_exact_value():
    assert parse_cell("12,345", Column("x", "count")) == (12345, None)
    assert parse_cell("12.5", Column("x", "count"))[1] == "expected a whole number"


@pytest.mark.parametrize("text", [" C1", "C1 ", "C\t1", "C\x001", "C\u200b1", "C\n1"])
def test_identifiers_with_stray_spaces_or_control_characters_are_refused(text):
    assert parse_cell(text, Column("x", "id"))[1] is not None
    assert parse_cell(text.replace("C", "2009-Q"), Column("x", "cycle"))[1] is not None


# --- property tests of the readers ----------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_read_table_on_random_bytes_raises_only_the_validation_error(tmp_path, data, suffix):
    path = tmp_path / f"audits{suffix}"
    path.write_bytes(data)
    problems = []
    try:
        table = read_table(path, sheet="audits")
    except DataValidationError as exc:
        problems = exc.problems
    else:
        assert len(table.row_numbers) == table.cells.shape[0]
    assert all(p.file.startswith("audits") for p in problems)


_CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=8))
def test_fast_and_exact_csv_readers_agree(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    text = out.getvalue()
    fast = _records_fast(text.encode("utf-8"))
    exact = _records_slow(text, "x.csv")
    if fast is not None:
        frame, numbers = fast
        assert frame.to_numpy().tolist() == exact[0].to_numpy().tolist()
        assert numbers.tolist() == exact[1].tolist()


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(_CELL, min_size=1, max_size=30),
       kind=st.sampled_from(["id", "text", "cycle", "month", "date", "count", "number", "rate", "bool", "tier"]))
def test_parse_column_agrees_with_parse_cell(cells, kind):
    column = Column("x", kind, required=True)
    values, bad, problems = parse_column(pd.Series(cells, dtype=object), column)
    for i, text in enumerate(cells):
        value, problem = parse_cell(text, column)
        if problem is None:
            assert values[i] == value or (value is None and values[i] is None)
        else:
            assert i in bad
            assert problems[list(bad).index(i)] == problem
    assert len(bad) == sum(parse_cell(t, column)[1] is not None for t in cells)


def test_parse_column_fast_text_path_agrees_on_a_large_column():
    cells = [f"C{i:05d}" for i in range(3000)] + [" C1", "C\x072", ""]
    values, bad, _ = parse_column(pd.Series(cells, dtype=object), Column("x", "id"))
    assert bad.tolist() == [3000, 3001, 3002]
    assert values[:3000].tolist() == cells[:3000]
    clean = [f"C{i:05d}" for i in range(3000)]
    values, bad, _ = parse_column(pd.Series(clean, dtype=object), Column("x", "id"))
    assert not len(bad)
    assert values.tolist() == clean
    assert isinstance(values, np.ndarray)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_CELL, column=st.integers(0, 13), row=st.integers(2, 6))
def test_a_random_cell_anywhere_loads_or_is_refused_cleanly(small, tmp_path_factory, text, column, row):
    from review.data import load_evidence

    folder = tmp_path_factory.mktemp("cell") / "data"
    shutil.copytree(small, folder)
    rows = _rows(folder / "audits.csv")
    rows[row - 1][column] = text
    _write(folder / "audits.csv", rows)
    problems = None
    try:
        load_evidence(folder)
    except DataValidationError as exc:
        problems = exc.problems
    assert problems is None or len(problems) > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.one_of(_CELL, st.integers(-10**6, 10**6),
                                         st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                                         st.dates(), st.none()), min_size=1, max_size=4), min_size=1, max_size=5))
def test_read_table_on_random_workbook_cells(tmp_path_factory, cells):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    path = tmp_path_factory.mktemp("book") / "audits.xlsx"
    book = Workbook()
    for row in cells:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    book.save(path)
    problems = []
    try:
        table = read_table(path, sheet="audits")
    except DataValidationError as exc:
        problems = exc.problems
    else:
        assert table.cells.shape[1] == len(table.header)
    assert all(p.file.startswith("audits.xlsx") for p in problems)
