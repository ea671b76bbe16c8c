"""Loading a data folder into validated tables: every problem in every file, reported together.

Only reading happens here and in :mod:`review.data.io`; no statistics are computed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from review.config.paths import resolve
from review.data.cells import parse_column
from review.data.checks import cross_checks
from review.data.evidence_map import EvidenceMap
from review.data.hints import TOTALS, TOTALS_LINE, group_repeats, hint
from review.data.io import RawTable, check_entry, find_files, heading_key, read_table, shown
from review.data.mapping import read_mapping
from review.data.schema import CRITERION, DATASETS, ROW, Column, Dataset
from review.exceptions import DataProblem, DataValidationError

__all__ = ["Evidence", "GradeScale", "load_evidence", "parse_dataset"]

@dataclass(frozen=True)
class GradeScale:
    """An ordered grade scale.

    Attributes
    ----------
    scale_id : str
    labels : tuple of str
        Every label, best first (not-applicable labels last).
    good_or_better : frozenset of str
        Labels that count as Good or better (or compliant).
    not_applicable : frozenset of str
        Labels meaning "not applicable": left out of rates and agreement.
    """

    scale_id: str
    labels: tuple[str, ...]
    good_or_better: frozenset[str]
    not_applicable: frozenset[str]

    @property
    def rated(self) -> tuple[str, ...]:
        """The labels that are judgements (not "not applicable"), best first."""
        return tuple(label for label in self.labels if label not in self.not_applicable)

    def canonical(self, text: str) -> str | None:
        """The label matching ``text`` without regard to case and spaces, or None."""
        key = " ".join(text.split()).lower()
        return next((label for label in self.labels if label.lower() == key), None)


@dataclass(frozen=True)
class Evidence:
    """A validated data folder.

    Attributes
    ----------
    folder : str
        The folder, as given.
    tables : mapping of str to pandas.DataFrame
        Each dataset present, columns as in the contract plus ``source_row``.
    scales : mapping of str to GradeScale
    criteria : tuple of str
        The criterion columns of the audits table.
    key_source : str or None
        Where the pseudonymisation key came from, once :func:`review.protection.pseudonym.pseudonymise`
        has replaced the identifiers (None: the raw references are still in the tables).
    snapshot : str or None
        SHA-256 of the run's evidence snapshot it was read from
        (:func:`review.analyses.context.read_snapshot`): every notebook of one run reads the same
        snapshot, so equal digests mean the very same evidence. None when read from the folder.
    """

    folder: str
    tables: Mapping[str, pd.DataFrame]
    scales: Mapping[str, GradeScale]
    criteria: tuple[str, ...]
    key_source: str | None = None
    snapshot: str | None = None

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one table (an empty frame with the contract's columns if absent)."""
        if name in self.tables:
            return self.tables[name].copy()
        return pd.DataFrame(columns=[c.name for c in DATASETS[name].columns] + [ROW])

    @cached_property
    def map(self) -> EvidenceMap:
        """The council's evidence map and audit types (:mod:`review.data.evidence_map`)."""
        return EvidenceMap.from_tables(self.tables.get("evidence_map"), self.tables.get("audit_types"))

    @property
    def cycles(self) -> list[str]:
        """Cycles with at least one audit, in order."""
        audits = self.tables.get("audits")
        return sorted(set(audits["cycle"])) if audits is not None else []


def _match_columns(raw: RawTable, ds: Dataset, problems: list[DataProblem],
                   mapping: Mapping[str, str] | None = None) -> tuple[dict[int, Column], list[int]]:
    """Map header positions to declared columns (through the column mapping, if any: an export's
    heading -> the contract's name); extra positions are returned for criteria.

    A column whose values are optional may be left out of a file (its values are then empty), unless
    the file has unknown headings (one may be it, misspelt: it is named with a hint) or the dataset
    reads extra headings as criteria (a misspelt heading would silently become one)."""
    declared = {c.name.lower(): c for c in ds.columns}
    mapping = mapping or {}
    matched: dict[int, Column] = {}
    extra: list[int] = []
    seen: dict[str, int] = {}
    for pos, heading in enumerate(raw.header):
        key = heading_key(heading)
        if not key:
            if raw.cells.shape[1] > pos and (raw.cells[pos].str.strip() != "").any():
                problems.append(DataProblem(raw.file, 1, f"column {pos + 1}", None,
                                            "the column has values but no heading"))
            continue
        if key in seen:
            problems.append(DataProblem(raw.file, 1, shown(heading), None,
                                        f"the heading appears twice (columns {seen[key] + 1} and {pos + 1}); "
                                        "expected each column once"))
            continue
        seen[key] = pos
        key = mapping.get(key, key)
        if key in declared:
            matched[pos] = declared[key]
        else:
            extra.append(pos)
    unknown = [raw.header[p] for p in extra]
    for column in ds.columns:
        if column not in matched.values() and (column.required or ds.extra_columns == CRITERION or extra):
            guess = difflib.get_close_matches(column.name, [heading_key(u) for u in unknown], n=1, cutoff=0.6)
            hint = f"; is '{unknown[[heading_key(u) for u in unknown].index(guess[0])]}' it, misspelt?" if guess else ""
            problems.append(DataProblem(raw.file, 1, column.name, None,
                                        f"column '{column.name}' is missing ({column.description}){hint}"))
    if ds.extra_columns != CRITERION:
        known = ", ".join(c.name for c in ds.columns)
        for p in extra:
            problems.append(DataProblem(raw.file, 1, shown(raw.header[p]), None,
                                        f"unknown column '{shown(raw.header[p])}'; the columns of {ds.name} are: {known}"))
        extra = []
    return matched, extra


def _totals_rows(raw: RawTable, matched: dict[int, Column]) -> dict[int, tuple[str, str]]:
    """Rows that read like a totals row ("Total", "Grand total", "All teams" in a label column):
    position -> (heading, cell)."""
    found: dict[int, tuple[str, str]] = {}
    for pos, column in matched.items():
        if column.kind not in ("id", "text", "cycle", "choice", "tier", "month"):
            continue
        cells = raw.cells[pos]
        uniques = pd.unique(cells.to_numpy(dtype=object))
        joined = "\n".join(map(str, uniques))
        if joined.count("\n") == len(uniques) - 1 and not TOTALS_LINE.search(joined):
            continue  # one scan of the column's distinct values: no totals label (a million-row frame: 0.1 s)
        for value in uniques:
            if TOTALS.fullmatch(str(value).strip()):
                for i in np.flatnonzero(cells.to_numpy(dtype=object) == value):
                    found.setdefault(int(i), (raw.header[pos], str(value)))
    return found


def _parse(raw: RawTable, ds: Dataset, problems: list[DataProblem], mapping: Mapping[str, str] | None = None,
           typed: dict[str, str] | None = None) -> pd.DataFrame:
    """Parse a raw table by its contract; ``typed`` receives each extra (criterion) column's heading as written."""
    matched, extra = _match_columns(raw, ds, problems, mapping)
    totals = _totals_rows(raw, matched)
    if totals:
        for i, (heading, value) in sorted(totals.items()):
            problems.append(DataProblem(raw.file, int(raw.row_numbers[i]), heading, shown(value),
                                        "this row looks like a totals row; delete it (the workbook adds up the rows "
                                        "itself, and a totals row would be counted as one more record)"))
        keep = [i for i in range(len(raw.row_numbers)) if i not in totals]
        raw = RawTable(raw.file, raw.header, raw.cells.iloc[keep].reset_index(drop=True), raw.row_numbers[keep])
    where = {c.name: p for p, c in matched.items()}
    n = len(raw.row_numbers)
    data: dict[str, object] = {}
    for column in ds.columns:
        pos = where.get(column.name)
        if pos is None:
            data[column.name] = np.full(n, None, dtype=object)
            continue
        cells = raw.cells[pos]
        values, bad, messages = parse_column(cells, column)
        for i, message in zip(bad, messages, strict=True):
            problems.append(DataProblem(raw.file, int(raw.row_numbers[i]), raw.header[pos],
                                        shown(cells.iat[i]), message or "not a valid value"))
        data[column.name] = values
    for p in extra:
        text = raw.cells[p].str.strip().to_numpy(dtype=object).copy()
        text[text == ""] = None
        heading = " ".join(raw.header[p].replace("\ufeff", "").split())  # as the analyst typed it
        name = (mapping or {}).get(heading_key(raw.header[p]), heading)
        data[name] = text
        if typed is not None:
            typed[name] = raw.header[p]
    frame = pd.DataFrame(data, dtype=object)
    frame[ROW] = raw.row_numbers.astype(np.int64)
    keys = [k for k in ds.key if k in frame.columns]
    if keys and len(frame):
        dup = frame.duplicated(subset=keys, keep=False) & frame[keys].notna().all(axis=1)
        first: dict[tuple, int] = {}
        for _, row in frame[dup].iterrows():
            key = tuple(row[k] for k in keys)
            if key in first:
                problems.append(DataProblem(raw.file, int(row[ROW]), keys[0], shown(", ".join(map(str, key))),
                                            f"duplicate {' + '.join(keys)} (first on row {first[key]})"))
            else:
                first[key] = int(row[ROW])
    return frame


def parse_dataset(raw: RawTable, name: str, problems: list[DataProblem]) -> pd.DataFrame:
    """Parse one file's cells by the named dataset's contract, appending every problem found (for a
    file read apart from a data folder: a reviewed action draft, say)."""
    return _parse(raw, DATASETS[name], problems)


def _scales(frame: pd.DataFrame, file: str, problems: list[DataProblem]) -> dict[str, GradeScale]:
    scales = {}
    for scale_id, group in frame.dropna(subset=["scale_id", "label"]).groupby("scale_id", sort=True):
        dup = group[group["position"].duplicated(keep="first") & group["position"].notna()]
        for _, row in dup.iterrows():
            problems.append(DataProblem(file, int(row[ROW]), "position", str(row["position"]),
                                        f"scale {scale_id} already has a label at this position"))
        group = group.sort_values("position", kind="stable")
        scales[str(scale_id)] = GradeScale(
            scale_id=str(scale_id),
            labels=tuple(group["label"]),
            good_or_better=frozenset(group.loc[group["good_or_better"].eq(True), "label"]),
            not_applicable=frozenset(group.loc[group["not_applicable"].eq(True), "label"]),
        )
    return scales


def load_evidence(folder: str | Path, *, complete: bool = True) -> Evidence:
    """Load and validate every dataset in a data folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        The data folder (absolute or project-relative), e.g. ``data/demo``.
    complete : bool, default: ``True``
        Whether every required dataset must be there, with rows. False for the steps before a
        cycle's first audits exist (drawing the sample, collecting forms): what is present is
        still checked in full.

    Returns
    -------
    Evidence
        The validated tables: labels in their canonical spelling, dates as ``datetime.date``,
        counts as int, grades checked against their scales.

    Raises
    ------
    DataValidationError
        Listing every problem in every file: missing or misspelt columns, unknown tiers or
        grades, duplicate keys, unparseable dates or dates outside the cycle, empty files,
        audited cases missing from the frame, a case audited twice by the same auditor,
        negative or fractional counts, numerators above denominators.
    """
    path = resolve(folder)
    problems: list[DataProblem] = []
    if not path.is_dir():
        raise DataValidationError([DataProblem(str(folder), None, None, None, f"data folder not found ({path})")])
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    mappings = read_mapping(path, problems)
    typed: dict[str, str] = {}
    for name, ds in DATASETS.items():
        found = find_files(path, name)
        if not found:
            if ds.required and complete:
                problems.append(DataProblem(f"{name}.csv", None, None, None,
                                            f"required file is missing from {folder} ({ds.description})"))
            continue
        if len(found) > 1:
            problems.append(DataProblem(found[0].name, None, None, None,
                                        f"the dataset {name} is in {len(found)} files "
                                        f"({', '.join(f.name for f in found)}); expected one: keep one, move the others"))
            continue
        try:
            check_entry(found[0], path)
            raw = read_table(found[0], sheet=name)
        except DataValidationError as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:
            problems.append(DataProblem(found[0].name, None, None, None, f"the file cannot be read ({exc.strerror})"))
            continue
        files[name] = raw.file
        if not raw.header:
            problems.append(DataProblem(raw.file, None, None, None, "the file is empty (no header row)"))
            continue
        if not len(raw.row_numbers) and ds.required and complete:
            problems.append(DataProblem(raw.file, None, None, None, "the file has a header but no rows"))
        tables[name] = _parse(raw, ds, problems, mappings.get(name), typed if name == "audits" else None)
    scales = _scales(tables["grade_scales"], files["grade_scales"], problems) if "grade_scales" in tables else {}
    criteria = _check_criteria(tables, files, scales, problems, typed)
    cross_checks(tables, files, scales, criteria, problems)
    if problems:
        problems = group_repeats(problems)
        order = {name: i for i, name in enumerate(DATASETS)}
        problems.sort(key=lambda p: (order.get(p.file.split(".")[0], 99), p.file, p.row or 0))
        raise DataValidationError(problems)
    return Evidence(str(folder), MappingProxyType(tables), MappingProxyType(scales), tuple(criteria))


def _check_criteria(tables: dict[str, pd.DataFrame], files: dict[str, str], scales: dict[str, GradeScale],
                    problems: list[DataProblem], typed: Mapping[str, str] | None = None) -> list[str]:
    """Criterion columns of the audits table: declared, with a known scale. Messages quote headings
    and criteria as the analyst wrote them."""
    if "audits" not in tables:
        return []
    typed = typed or {}
    declared: dict[str, str] = {}  # matching key -> the criterion as criteria.csv writes it
    if "criteria" in tables:
        for row in tables["criteria"].to_dict("records"):
            if row["criterion"] is None:
                continue
            if row["scale_id"] is not None and row["scale_id"] not in scales:
                problems.append(DataProblem(files["criteria"], int(row[ROW]), "scale_id", row["scale_id"],
                                            f"unknown scale; scales are: {', '.join(scales)}"))
            declared[_criterion_key(str(row["criterion"]))] = str(row["criterion"])
    base = {c.name for c in DATASETS["audits"].columns} | {ROW}
    extra = [c for c in tables["audits"].columns if c not in base]
    present = {_criterion_key(c) for c in extra}
    unused = [name for key, name in declared.items() if key not in present]
    renames = {}
    for column in extra:
        name = declared.get(_criterion_key(column))
        if name is None:
            heading = typed.get(column, column)
            problems.append(DataProblem(files["audits"], 1, shown(heading), None,
                                        "the column is neither an audit field nor a criterion declared in criteria"
                                        f"{hint(heading, unused) or hint(heading, list(declared.values()))}; "
                                        f"criteria are: {', '.join(declared.values()) or 'none'}"))
        elif name != column:
            renames[column] = name
    if renames:
        tables["audits"] = tables["audits"].rename(columns=renames)
    return [renames.get(c, c) for c in extra if _criterion_key(c) in declared]


def _criterion_key(name: str) -> str:
    """How a criterion column is matched to its declaration: case, spaces and underscores aside.

    >>> _criterion_key(" Plan  reviewed_On time "), _criterion_key("plan_reviewed_on_time")
    ('plan_reviewed_on_time', 'plan_reviewed_on_time')
    """
    return heading_key(name).replace(" ", "_")
