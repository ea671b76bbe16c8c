"""``review init FOLDER``: a council's first quarter from nothing.

Writes into a new folder:

- ``templates/csv/<dataset>.csv``: each dataset's headings, in the contract's order;
- ``templates/xlsx/<dataset>.xlsx``: the same as a workbook, with drop-down lists for tiers,
  choices and yes/no columns, and a ``notes`` sheet saying what each column means, its kind and
  whether it is required (the loader reads only the sheet named like the dataset);
- ``templates/column_mapping.csv``: an example column mapping (:mod:`review.data.mapping`) for
  a case-management system's export;
- ``data/``: the empty data folder where the filled files go (one file per dataset, CSV or xlsx);
- ``params.yaml``: a params file whose ``data_dir`` is that folder, which ``review validate``
  accepts once its cycle is filled in and a key is configured;
- ``README.txt``: the steps.

Nothing is computed; an existing non-empty folder is refused.
"""

from __future__ import annotations

from pathlib import Path

from review.data.mapping import HEADINGS
from review.data.schema import CRITERION, DATASETS, TIERS, Column, Dataset
from review.data.workbook_out import add_lists, list_rule
from review.exceptions import ParameterError

__all__ = ["KIND_TEXT", "kind_text", "write_templates"]

KIND_TEXT = {
    "id": "text kept as written (an identifier)",
    "text": "text",
    "cycle": "cycle, written YYYY-Qn (2010-Q1)",
    "month": "month, written YYYY-MM",
    "date": "date: 2010-04-01, 01/04/2010 or an Excel date",
    "count": "whole number, 0 or more",
    "number": "number, 0 or more (1234.5 or 1,234.5; no decimal comma)",
    "rate": "proportion from 0 to 1",
    "choice": "one of the list",
    "tier": "a tier: " + ", ".join(TIERS),
    "grade": "a label of the row's grade scale (grade_scales)",
    "scale_label": "text: the label as auditors write it",
    "bool": "yes or no",
}
"""Each column kind in words, as the templates' notes say it."""

EXAMPLE_MAPPING = (
    ("frame", "Child ID", "case_ref"),
    ("frame", "Allocated Social Worker", "allocated_worker"),
    ("frame", "Case Type", "case_type"),
)


def kind_text(column: Column) -> str:
    """A column's kind in words.

    Parameters
    ----------
    column : Column

    Returns
    -------
    str

    Examples
    --------
    >>> from review.data.schema import Column
    >>> kind_text(Column("stage", "choice", choices=("1", "2")))
    'one of: 1, 2'
    """
    if column.kind == "choice":
        return "one of: " + ", ".join(column.choices)
    return KIND_TEXT[column.kind]


def _lists_for(ds: Dataset) -> dict[str, tuple[str, ...]]:
    lists = {}
    for column in ds.columns:
        if column.kind == "choice":
            lists[column.name] = column.choices
        elif column.kind == "tier":
            lists[column.name] = TIERS
        elif column.kind == "bool":
            lists[column.name] = ("yes", "no")
    return lists


def _workbook(ds: Dataset, path: Path, rows: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = ds.name
    names = [c.name for c in ds.columns]
    sheet.append(names)
    for k, name in enumerate(names, start=1):
        sheet.cell(1, k).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(k)].width = max(12, len(name) + 2)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("notes")
    notes.append([f"{ds.name}: {ds.description}"])
    notes.append([f"Unique: {' + '.join(ds.key)}" if ds.key else "Rows need not be unique."])
    notes.append(["Required dataset" if ds.required else "Optional dataset: leave the file out if you do not "
                  "keep this evidence"])
    if ds.extra_columns == CRITERION:
        notes.append(["Add one column per criterion declared in criteria, headed exactly as its `criterion`."])
    notes.append([])
    notes.append(["column", "kind", "required", "meaning"])
    for column in ds.columns:
        notes.append([column.name, kind_text(column), "yes" if column.required else "no", column.description])
    for letter, width in zip("ABCD", (24, 40, 10, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=1, max_row=notes.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    lists = _lists_for(ds)
    if lists:
        refs = add_lists(book, lists)
        for name, ref in refs.items():
            letter = get_column_letter(names.index(name) + 1)
            column = next(c for c in ds.columns if c.name == name)
            list_rule(sheet, ref, f"{letter}2:{letter}{rows + 1}", title=name, prompt=column.description)
    with path.open("xb") as fh:
        book.save(fh)


PARAMS = """# Parameters of one review cycle (review validate {path} checks it).
# Quote cycles, identifiers and dates: they are text.
cycle: "{cycle}"{cycle_note}
data_dir: "{data}"        # the council's evidence: outside any repository (it identifies children)
audience: "published"      # published (partners, papers) or internal (council managers)
confidence_level: 0.95
suppression_threshold: 5   # published tables show counts of 1 to this as c
authority: "Name of the council (code)"   # every page and title names it
# report:                  # the board pack's cover, the index and the summary print these
#   author: "Head of Quality Assurance"
#   approver: "Assistant Director, Safeguarding"
#   date: "YYYY-MM-DD"     # the date of the report
#   version: "0.1 (draft)"
"""

README = """A council's review workbook folder (written by `review init`). Run the commands below in this
folder: paths typed on the command line are read from the folder you are in.

1. Make the pseudonymisation key, once, and keep it outside any repository:
       review key new ~/council.key
       export REVIEW_PSEUDONYM_KEY_FILE=~/council.key
2. Fill in the templates (templates/csv or templates/xlsx; the notes sheet of each workbook says
   what every column means) and put one file per dataset into data/ (CSV or xlsx, not both).
   Required: grade_scales, criteria, teams, frame, audits (the audits come back on the forms,
   step 4); the others are optional. Fill staff and programme for the draw.
   A case-management export can keep its own headings: copy templates/column_mapping.csv into
   data/ and list each heading beside the column it is (docs/data.md, "Column mapping").
3. {cycle_step}check the params file and the key:
       review validate params.yaml
4. Draw the audit sample and send each auditor their form, then collect the returned forms
   (the first quarter has no earlier audits to take the overall grade's scale from: name it):
       review sample --cycle {cycle} --params params.yaml --seed N --forms forms/ --grade-scale SCALE_ID
       review collect forms/ --cycle {cycle} --params params.yaml
5. Check everything, then run the reports:
       review validate params.yaml data
       review run --cycle {cycle} --params params.yaml
"""


def write_templates(folder: str | Path, *, cycle: str | None = None, rows: int = 1000) -> list[Path]:
    """Write the templates, the empty data folder, a params file and the steps into a new folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        A new (or empty) folder.
    cycle : str, optional
        The first cycle, written into the params file; left for the analyst to fill in when absent.
    rows : int, default: ``1000``
        Rows of the workbooks that get the drop-down lists.

    Returns
    -------
    list of pathlib.Path
        Every file written.

    Raises
    ------
    ParameterError
        If the folder exists and is not empty.
    """
    root = Path(folder).expanduser()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ParameterError(f"{root} already exists and is not empty; `review init` writes into a new folder")
    csv_dir, xlsx_dir, data = root / "templates" / "csv", root / "templates" / "xlsx", root / "data"
    for d in (csv_dir, xlsx_dir, data):
        d.mkdir(parents=True, exist_ok=True)
    written = []
    for ds in DATASETS.values():
        path = csv_dir / f"{ds.name}.csv"
        path.write_text(",".join(c.name for c in ds.columns) + "\n", encoding="utf-8")
        _workbook(ds, xlsx_dir / f"{ds.name}.xlsx", rows)
        written += [path, xlsx_dir / f"{ds.name}.xlsx"]
    mapping = root / "templates" / "column_mapping.csv"
    mapping.write_text(",".join(HEADINGS) + "\n" + "".join(f"{d},{e},{c}\n" for d, e, c in EXAMPLE_MAPPING),
                       encoding="utf-8")
    params = root / "params.yaml"
    params.write_text(PARAMS.format(path=params, cycle=cycle or "YYYY-Qn", data=data.resolve(),
                                    cycle_note="" if cycle else "   # fill in: the quarter, e.g. 2010-Q1"),
                      encoding="utf-8")
    readme = root / "README.txt"
    readme.write_text(README.format(cycle=cycle or "CYCLE", cycle_step="" if cycle else
                                    "Fill in the cycle in params.yaml (e.g. 2010-Q1; CYCLE below), then "),
                      encoding="utf-8")
    return [*written, mapping, params, readme]
