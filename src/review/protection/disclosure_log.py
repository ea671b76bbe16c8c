"""The disclosure log of a run: every figure a published page withholds, why, and where.

For the council's output checker, never for publication: it says which ``c`` is a small count
(primary) and which was withheld only to protect it (secondary), which a reader of the published
pack must not learn. Modelled on the records of ACRO (Automatic Checking of Research Outputs,
SACRO project): one record per output (here a page) with a status, a one-line summary of the
checks, the risk appetite they were made under, and an outcome per cell (here each withheld
figure with its rule and the link that made it necessary).

How it travels: a report's record of results carries the page's log in a display output of its
own (:data:`LOG_MIME`, :func:`with_log`); the run lifts every page's log out of the executed
notebooks into ``<output root>/disclosure-logs/<cycle>.json`` (and ``.csv``) before the
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
from review.protection.linked import LinkedFigures, LogRows
from review.protection.units import internal_only, is_declared, protected

__all__ = ["LOG_COLUMNS", "LOG_MIME", "collect", "line_key", "lines_log", "log_path", "page_record", "rate_rows",
           "with_log", "write_log"]

LOG_MIME = "application/vnd.review.disclosure-log+json"
"""The display output that carries a page's disclosure log out of its notebook (never published)."""

LOG_COLUMNS = ("page", "figure", "rule", "links", "reason", "key")
"""The columns of the log's CSV, one row per withheld figure."""


def page_record(page: str, rows: Sequence[Mapping[str, str]],
                registry: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One page's record, as ACRO records an output: ``status`` (``pass`` when nothing is
    withheld, else ``review``), ``summary`` and ``outcome`` (the withheld figures); with the
    page's registry of linked figures (``registry``) where it has one, which the run reads to solve
    the cycle's pages together (:mod:`review.protection.cycle_registry`) and drops from the log."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["rule"]] = counts.get(r["rule"], 0) + 1
    summary = "withheld: " + ", ".join(f"{n} {rule}" for rule, n in sorted(counts.items())) if rows else "pass"
    out: dict[str, Any] = {"page": page, "status": "review" if rows else "pass", "summary": summary,
                           "outcome": [{c: str(r.get(c, "")) for c in LOG_COLUMNS} for r in rows]}
    if registry is not None:
        out["registry"] = dict(registry)
    return out


def rate_rows(page: str, label: str, k: int, n: int, unit: str, before: tuple[int, int] | None,
              policy: DisclosurePolicy) -> list[dict[str, str]]:
    """The log's rows for a rate 'k of n' a page prints (an evidence line), with its change since
    last quarter: what is withheld and by which rule.

    >>> [r["rule"] + ": " + r["reason"] for r in rate_rows("jar", "J04 audit", 2, 3, "files", (1, 3), DisclosurePolicy())]
    ['primary: a count of files from 1 to 5', "rule: a change that could give back last quarter's figure"]
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
        out.append(row | {"figure": f"{label}: change since last quarter", "key": f"{label}/change", "rule": "rule",
                          "reason": "a change that could give back last quarter's figure"})
    return out


def line_key(kind: str, source: str, k: int, n: int) -> str:
    """The cycle-wide key of an evidence line's figures: its kind, source and values, so two pages
    printing the same source's same ``k of n`` name one figure (and the same source on other bases
    names another).

    >>> line_key("audit", "child seen alone", 12, 20)
    'line/audit: child seen alone/12 of 20'
    """
    return f"line/{kind}: {source}/{k} of {n}"


def lines_log(page: str, lines: Iterable[tuple[str, Any]], policy: DisclosurePolicy) -> LogRows:
    """The log's rows for a page's evidence lines (``(item, line)`` pairs, each line with ``kind``,
    ``source``, ``k``, ``n``, ``unit`` and ``change.before``), by :func:`rate_rows`; for a
    published page they carry the page's registry (:class:`review.protection.linked.LogRows`):
    each line as ``k`` of ``n`` (:func:`line_key`), its change since last quarter linked to last
    quarter's count, and what the page withholds, for the run's check across pages.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> ln = NS(kind="audit", source="child seen alone", k=3, n=20, unit="files", forced_band=None,
    ...         change=NS(before=(9, 18)))
    >>> rows = lines_log("jar", [("J04", ln)], DisclosurePolicy())
    >>> [r["rule"] for r in rows], rows.registry["withheld"]
    (['primary', 'rule'], ['line/audit: child seen alone/3 of 20/change from 9 of 18', 'line/audit: child seen alone/3 of 20/k', 'line/audit: child seen alone/3 of 20/n'])
    """
    rows: list[dict[str, str]] = []
    reg = LinkedFigures(policy)
    withheld: set[str] = set()
    for item, ln in lines:
        if getattr(ln, "forced_band", None) or not ln.n:
            continue
        before = ln.change.before if getattr(ln, "change", None) is not None else None
        own = rate_rows(page, f"{item} {ln.kind}: {ln.source}", ln.k, ln.n, ln.unit, before, policy)
        rows.extend(own)
        if not policy.suppress or not is_declared(ln.unit):
            continue
        key = line_key(ln.kind, ln.source, ln.k, ln.n)
        label = f"{item} {ln.kind}: {ln.source}"
        reg.rate(key, ln.k, ln.n, ln.unit, page=page, label=label)
        change = None
        if before is not None and before[1]:
            change = f"{key}/change from {before[0]} of {before[1]}"
            reg.change(change, ln.k / ln.n - before[0] / before[1], before[0], before[1], ln.unit, page=page,
                       label=label)
        for row in own:
            if not row["key"].endswith("/change"):
                withheld |= {f"{key}/k", f"{key}/n"}
            elif change is not None:
                withheld.add(change)
    return LogRows(rows, reg.record(withheld) if policy.suppress else None)


class _WithLog:
    """A results record's display object, with the page's disclosure log beside its results."""

    def __init__(self, recorded: Any, page: str, rows: Sequence[Mapping[str, str]]) -> None:
        self.recorded = recorded
        self.payload = recorded.payload
        self.log = page_record(page, rows, getattr(rows, "registry", None))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.recorded._repr_mimebundle_(include, exclude))
        bundle[LOG_MIME] = self.log
        return bundle


def with_log(recorded: Any, page: str, rows: Iterable[Mapping[str, str]]) -> Any:
    """A results record (``review.results.figures.record``'s object) that also carries the page's
    disclosure log (:data:`LOG_MIME`); its ``payload`` is the record's. Rows that carry a registry
    (:class:`review.protection.linked.LogRows`, a decision's :meth:`~review.protection.linked.Decision.log`)
    carry it too."""
    return _WithLog(recorded, page, rows if isinstance(rows, LogRows) else list(rows))


def log_path(output_root: str | Path, cycle: str) -> Path:
    """Where a published run writes its cycle's disclosure log: beside the packs, in no pack's folder
    (neither the published ``<cycle>/`` nor the internal ``internal/<cycle>/`` a run replaces whole).

    >>> log_path("outputs", "2009-Q4").as_posix()
    'outputs/disclosure-logs/2009-Q4.json'
    """
    return Path(output_root) / "disclosure-logs" / f"{cycle}.json"


def collect(staging: str | Path) -> list[dict[str, Any]]:
    """Lift every page's log out of the executed notebooks of a run's staging folder: returns the
    page records and rewrites each notebook without them (so the pack never holds a log)."""
    # Here, not at the top: every warm kernel imports this module (the pages record their logs) and
    # none calls this; nbformat and its schema validator would cost each kernel template 0.6 s.
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
