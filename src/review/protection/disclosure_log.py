"""The disclosure log of a run: every figure a published page withholds, why, and where.

For the council's output checker, never for publication: it says which ``c`` is a small count
(primary) and which was withheld only to protect it (secondary), which a reader of the published
pack must not learn. Modelled on the records of ACRO (Automatic Checking of Research Outputs,
SACRO project): one record per output (here a page) with a status, a one-line summary of the
checks, the risk appetite they were made under, and an outcome per cell (here each withheld
figure with its rule and the link that made it necessary).

How it travels: a report's record of results carries the page's log in a display output of its
own (:data:`LOG_MIME`, :func:`with_log`); the run lifts every page's log out of the executed
notebooks into ``<output root>/internal/<cycle>/disclosure-log.json`` (and ``.csv``) before the
pack is checked (:func:`collect`), and ``review check-report`` flags any file that still holds one.

Examples
--------
>>> rows = [{"page": "gose_performance", "figure": "plans started: Sexual abuse", "key": "k1",
...          "rule": "primary", "links": "", "reason": "a count of children from 1 to 5"},
...         {"page": "gose_performance", "figure": "plans started: Multiple", "key": "k2",
...          "rule": "secondary", "links": "categories add up to the plans started", "reason": ""}]
>>> rec = page_record("gose_performance", rows)
>>> rec["status"], rec["summary"]
('review', 'withheld: 1 primary, 1 secondary')
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from review.protection.disclosure import DisclosurePolicy, withhold_change
from review.protection.units import internal_only, protected

__all__ = ["LOG_COLUMNS", "LOG_MIME", "collect", "log_path", "page_record", "rate_rows", "with_log", "write_log"]

LOG_MIME = "application/vnd.review.disclosure-log+json"
"""The display output that carries a page's disclosure log out of its notebook (never published)."""

LOG_COLUMNS = ("page", "figure", "rule", "links", "reason", "key")
"""The columns of the log's CSV, one row per withheld figure."""


def page_record(page: str, rows: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """One page's record, as ACRO records an output: ``status`` (``pass`` when nothing is
    withheld, else ``review``), ``summary`` and ``outcome`` (the withheld figures)."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["rule"]] = counts.get(r["rule"], 0) + 1
    summary = "withheld: " + ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items())) if rows else "pass"
    return {"page": page, "status": "review" if rows else "pass", "summary": summary,
            "outcome": [{c: str(r.get(c, "")) for c in LOG_COLUMNS} for r in rows]}


def rate_rows(page: str, label: str, k: int, n: int, unit: str, before: tuple[int, int] | None,
              policy: DisclosurePolicy) -> list[dict[str, str]]:
    """The log's rows for a rate 'k of n' a page prints (an evidence line), with its change since
    last cycle: what is withheld and by which rule.

    >>> [r["rule"] + ": " + r["reason"] for r in rate_rows("jar", "J04 audit", 2, 3, "files", (1, 3), DisclosurePolicy())]
    ['primary: a count of files from 1 to 5', "rule: a change that could give back last cycle's figure"]
    >>> rate_rows("jar", "J03 challenges", 5, 6, "challenges", None, DisclosurePolicy())
    []
    """
    if not policy.suppress or not n:
        return []
    row = {"page": page, "figure": label, "key": label, "links": ""}
    if internal_only(unit):
        return [row | {"rule": "rule", "reason": "a single post-holder's own performance (internal only)"}]
    if not protected(unit):
        return []
    out = []
    if policy.is_small(k) or policy.is_small(n - k):
        out.append(row | {"rule": "primary", "reason": f"a count of {unit} from {policy.low} to {policy.high}"
                          + (" (the rest of the group)" if not policy.is_small(k) else "")})
    elif policy.withhold(k, of=n):
        out.append(row | {"rule": "rule", "reason": f"a share of a group smaller than {policy.min_group}"})
    if before is not None and (out or withhold_change(policy, (k, n), before)):
        out.append(row | {"figure": f"{label}: change since last cycle", "key": f"{label}/change", "rule": "rule",
                          "reason": "a change that could give back last cycle's figure"})
    return out


class _WithLog:
    """A results record's display object, with the page's disclosure log beside its results."""

    def __init__(self, recorded: Any, page: str, rows: Sequence[Mapping[str, str]]) -> None:
        self.recorded = recorded
        self.payload = recorded.payload
        self.log = page_record(page, rows)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.recorded._repr_mimebundle_(include, exclude))
        bundle[LOG_MIME] = self.log
        return bundle


def with_log(recorded: Any, page: str, rows: Iterable[Mapping[str, str]]) -> Any:
    """A results record (``review.results.figures.record``'s object) that also carries the page's
    disclosure log (:data:`LOG_MIME`); its ``payload`` is the record's."""
    return _WithLog(recorded, page, list(rows))


def log_path(output_root: str | Path, cycle: str) -> Path:
    """Where a run writes its cycle's disclosure log: beside the published folders, never in one.

    >>> log_path("outputs", "2009-Q4").as_posix()
    'outputs/internal/2009-Q4/disclosure-log.json'
    """
    return Path(output_root) / "internal" / cycle / "disclosure-log.json"


def collect(staging: str | Path) -> list[dict[str, Any]]:
    """Lift every page's log out of the executed notebooks of a run's staging folder: returns the
    page records and rewrites each notebook without them (so the pack never holds a log)."""
    import nbformat

    records = []
    for path in sorted(Path(staging).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - a notebook cut short: its report fails at the gate
            continue
        changed = False
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if LOG_MIME in data:
                    records.append(dict(data.pop(LOG_MIME)))
                    changed = True
        if changed:
            nbformat.write(nb, path)
    return records


def write_log(path: str | Path, records: Sequence[Mapping[str, Any]], *, cycle: str,
              policy: DisclosurePolicy | None = None) -> Path:
    """Write a cycle's disclosure log as JSON (the records, with the policy they were checked
    under) and as CSV (one row per withheld figure) beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"cycle": cycle, "written": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
               "policy": None if policy is None else {"low": policy.low, "high": policy.high,
                                                      "min_group": policy.min_group,
                                                      "rounding_base": policy.rounding_base},
               "internal": "For the output checker only: never publish this file.",
               "records": list(records)}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with path.with_suffix(".csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=LOG_COLUMNS)
        writer.writeheader()
        for record in records:
            for row in record.get("outcome", []):
                writer.writerow({c: row.get(c, "") for c in LOG_COLUMNS})
    return path
