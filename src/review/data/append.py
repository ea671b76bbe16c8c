"""Adding rows to an evidence CSV file without disturbing what is there. I/O only.

``review collect`` (audits) and ``review actions merge`` (the action register) add the rows they
read to the data folder's file: appended when only rows are new, so every existing byte is kept
(its encoding and line endings too); written anew in one step (a temporary file renamed over it)
when a row is replaced or a column added. The file's own headings are kept: a heading the data
folder's column mapping renames is matched as the column it stands for. When the folder, as the
merge leaves it, does not validate, the file is put back as it was.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from review.data.io import find_files, heading_key, read_table, shown
from review.data.mapping import read_mapping
from review.exceptions import DataProblem, DataValidationError, ParameterError

__all__ = ["MergeOutcome", "append_rows", "merge_rows", "rewrite_rows"]


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge did to a dataset's file: rows added, already there unchanged, replaced."""

    path: Path
    added: int
    unchanged: int
    replaced: int


def merge_rows(folder: Path, dataset: str, rows: Sequence[dict[str, str]], *, key: str, force: bool,
               columns: Sequence[str], what: str, check: Callable[[], object] | None = None) -> MergeOutcome:
    r"""Add rows to a data folder's ``<dataset>.csv``, matched to the rows there by ``key``.

    A new row is added; a row already there with the same values is left as it is (merging twice
    changes nothing); a row already there with other values is refused, naming the first column that
    differs, unless ``force`` (then replaced). When nothing is new the file is not touched.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    dataset : str
        ``audits`` or ``actions``.
    rows : sequence of dict
        Column -> text.
    key : str
        The identifying column (``audit_id``, ``action_id``).
    force : bool
        Replace rows whose values differ.
    columns : sequence of str
        The headings of a new file.
    what : str
        What a row is, for messages (``audit``, ``action``).
    check : callable, optional
        Called once the file is written (e.g. the data folder loaded again); when it raises
        :class:`DataValidationError` the file is put back as it was, byte for byte, and the error
        is raised again with a last line saying so.

    Returns
    -------
    MergeOutcome

    Raises
    ------
    ParameterError
        If the dataset is an ``.xlsx`` workbook (rows are added to CSV only), or a row differs from
        the one there and ``force`` is not given (nothing is written then).
    DataValidationError
        If the existing file cannot be read as a table, or ``check`` fails (the file is restored).

    Examples
    --------
    A register whose export heads its identifier "Ref", mapped to ``action_id``:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "actions.csv").write_text("Ref,action\nX1,Re-audit\n", encoding="utf-8")
    >>> _ = (folder / "column_mapping.csv").write_text("dataset,export_column,column\nactions,Ref,action_id\n")
    >>> rows = [{"action_id": "X1", "action": "Re-audit"}, {"action_id": "X2", "action": "Train"}]
    >>> merge_rows(folder, "actions", rows, key="action_id", force=False, columns=["action_id", "action"],
    ...            what="action").added
    1
    >>> print((folder / "actions.csv").read_text(encoding="utf-8"), end="")
    Ref,action
    X1,Re-audit
    X2,Train
    """
    found = find_files(folder, dataset)
    if any(p.suffix.lower() == ".xlsx" for p in found):
        raise ParameterError(f"{folder} holds {dataset} as an .xlsx workbook; rows are added to {dataset}.csv: save "
                             "the workbook as CSV (and move the .xlsx away) first")
    path = found[0] if found else folder / f"{dataset}.csv"
    if found:
        raw = read_table(path, sheet=dataset)
        header = list(raw.header)
        existing = [dict(zip(header, r, strict=True)) for r in raw.rows]
        numbers = list(raw.row_numbers)
    else:
        header, existing, numbers = list(columns), [], []
    renamed = read_mapping(folder, []).get(dataset, {})  # its problems are the folder's validation's to report
    by_key = {heading_key(h): h for h in header}
    by_key.update({renamed[heading_key(h)]: h for h in header if heading_key(h) in renamed})
    id_column = by_key.get(key, key)
    where = {r.get(id_column, "").strip(): i for i, r in enumerate(existing)}
    added, unchanged, replaced, conflicts = [], 0, {}, []
    for new in rows:
        values = {by_key.get(heading_key(c), c): v for c, v in new.items() if v != "" or heading_key(c) in by_key}
        i = where.get(new[key])
        if i is None:
            added.append(values)
            continue
        old = existing[i]
        differ = [c for c, v in values.items() if old.get(c, "").strip() != v.strip()]
        if not differ:
            unchanged += 1
        elif force:
            replaced[i] = {**old, **values}
        else:
            c = differ[0]
            conflicts.append(f"{path.name}, row {numbers[i]}: {what} {new[key]} is already there with "
                             f"{c} {shown(old.get(c, ''))!r}; the new row says {shown(values[c])!r}")
    if conflicts:
        raise ParameterError([*conflicts[:20], f"nothing was written: an existing {what} is never replaced"
                              + (" without --force" if what == "audit" else "")])
    if not added and not replaced:
        return MergeOutcome(path, 0, unchanged, 0)
    new_columns = [c for r in added for c in r if c not in header]
    header += list(dict.fromkeys(new_columns))
    before = path.read_bytes() if found else None
    if not (found and not replaced and not new_columns and append_rows(path, header, added)):
        rewrite_rows(path, header, [replaced.get(i, r) for i, r in enumerate(existing)] + added)
    if check is not None:
        try:
            check()
        except DataValidationError as exc:
            _restore(path, before)
            first = len(existing) + 2  # the header is row 1
            raise DataValidationError([*exc.problems, DataProblem(
                path.name, None, None, None,
                f"nothing was written: {path.name} is as it was; the problems above are in the folder as the "
                f"{len(added)} new {what}s (from row {first}) would have left it")]) from None
    return MergeOutcome(path, len(added), unchanged, len(replaced))


def _restore(path: Path, before: bytes | None) -> None:
    """Put a file back as it was (``None``: it did not exist), in one step."""
    if before is None:
        path.unlink(missing_ok=True)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(before)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _line_end(path: Path) -> str:
    return "\r\n" if b"\r\n" in path.read_bytes()[:65536] else "\n"


def append_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> bool:
    """Append rows, keeping every existing byte; the file's own line ending and encoding are kept.

    Parameters
    ----------
    path : pathlib.Path
        An existing CSV file.
    header : list of str
        Its headings, in order.
    rows : list of dict
        Heading -> text; a heading missing from a row is written empty.

    Returns
    -------
    bool
        False, with nothing written, when the file is Windows-1252 and a new row holds a character
        it cannot encode (the file must then be written anew as UTF-8: :func:`rewrite_rows`).
    """
    data = path.read_bytes()
    end = _line_end(path)
    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows([[r.get(c, "") for c in header] for r in rows])
    try:
        data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    try:
        text = out.getvalue().encode(encoding, errors="strict")
    except UnicodeEncodeError:  # a Windows-1252 file cannot hold it: never a file of two encodings
        return False
    with path.open("ab") as fh:
        if data and not data.endswith(b"\n"):
            fh.write(end.encode())
        fh.write(text)
    return True


def rewrite_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write the whole file anew (UTF-8, a byte-order mark kept if it had one), replacing it in one step.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (created if absent).
    header : list of str
        Its headings, in order.
    rows : list of dict
        Heading -> text, every row of the file.
    """
    bom = path.is_file() and path.read_bytes().startswith(b"\xef\xbb\xbf")
    end = _line_end(path) if path.is_file() else "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end)
    writer.writerow(header)
    writer.writerows([[r.get(c, "") for c in header] for r in rows])
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            fh.write(out.getvalue())
        if path.is_file():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
