"""The column mapping: an export's own headings renamed to the data contract's, without editing the export.

A case-management system's export names its columns its own way ("Child ID" for ``case_ref``).
A file ``column_mapping.csv`` (or ``.xlsx``) in the data folder renames them as they are read,
one row per heading::

    dataset,export_column,column
    frame,Child ID,case_ref
    frame,Allocated Social Worker,allocated_worker

``export_column`` is matched like every heading, without regard to case and surrounding spaces;
``column`` must be a column of ``dataset`` (for ``audits``, or a criterion declared in
``criteria``). The export itself is never changed, and messages quote its headings as written.
"""

from __future__ import annotations

from pathlib import Path

from review.data.hints import hint
from review.data.io import check_entry, find_files, heading_key, read_table, shown
from review.data.schema import CRITERION, DATASETS
from review.exceptions import DataProblem, DataValidationError

__all__ = ["MAPPING", "read_mapping"]

MAPPING = "column_mapping"
"""The mapping file's name (``column_mapping.csv`` or ``column_mapping.xlsx``)."""

HEADINGS = ("dataset", "export_column", "column")


def read_mapping(folder: Path, problems: list[DataProblem]) -> dict[str, dict[str, str]]:
    """Read the data folder's column mapping, if it has one.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    problems : list of DataProblem
        Problems found in the mapping are appended here (file, row and column).

    Returns
    -------
    dict
        Dataset -> {export heading (lower case, single spaces) -> the contract's column name};
        empty when there is no mapping file.
    """
    found = find_files(folder, MAPPING)
    if not found:
        return {}
    try:
        check_entry(found[0], folder)
        raw = read_table(found[0], sheet=MAPPING)
    except DataValidationError as exc:
        problems.extend(exc.problems)
        return {}
    header = [heading_key(h) for h in raw.header]
    if header[:3] != list(HEADINGS):
        problems.append(DataProblem(raw.file, 1, None, shown(", ".join(raw.header)),
                                    f"expected the headings {', '.join(HEADINGS)}"))
        return {}
    out: dict[str, dict[str, str]] = {}
    for number, (dataset, export, column, *_) in zip(raw.row_numbers, raw.rows, strict=True):
        dataset, export, column = dataset.strip(), export.strip(), column.strip()
        row = int(number)
        if dataset not in DATASETS:
            problems.append(DataProblem(raw.file, row, "dataset", shown(dataset),
                                        f"not a dataset{hint(dataset, DATASETS)}"))
            continue
        ds = DATASETS[dataset]
        names = [c.name for c in ds.columns]
        if not export:
            problems.append(DataProblem(raw.file, row, "export_column", None, "a value is required: the export's heading"))
            continue
        if column not in names and ds.extra_columns != CRITERION:
            problems.append(DataProblem(raw.file, row, "column", shown(column),
                                        f"not a column of {dataset}{hint(column, names)}; its columns are: "
                                        f"{', '.join(names)}"))
            continue
        mine = out.setdefault(dataset, {})
        if heading_key(export) in mine:
            problems.append(DataProblem(raw.file, row, "export_column", shown(export),
                                        f"the heading is mapped twice for {dataset}"))
            continue
        mine[heading_key(export)] = column.lower()
    return out
