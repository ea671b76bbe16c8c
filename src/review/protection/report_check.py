"""Checking a report before it travels: ``review check-report PATH``.

A published report must not contain a raw identifier from the inputs, an unsuppressed count of
1 to 5 about children, an external URL (a script, style, image or font fetched from the
internet), or a code cell. Counts about children are recognised where the workbook writes them:
cells of tables marked ``review-counts`` and rates written "x% (k of n)" (rates of ratings,
returns or staff carry their unit, "(3 of 5 ratings)", and are not counts of children).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Finding", "check_report", "raw_identifiers"]

_EXTERNAL = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import)""", re.I)
_ANY_URL = re.compile(r"https?://[^\s\"'<>)]+", re.I)
_CODE = re.compile(r'class="[^"]*\b(?:jp-InputArea-editor|highlight|jp-CodeMirrorEditor)\b')
_RATE = re.compile(r"\((\d[\d,]*) of (\d[\d,]*)[;)]")
_COUNT_TABLE = re.compile(r"<table[^>]*\breview-counts\b[^>]*>(.*?)</table>", re.S | re.I)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{2,}")


@dataclass(frozen=True)
class Finding:
    """One thing that must not be in the report."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def raw_identifiers(data_dir: str | Path) -> set[str]:
    """Every raw case, audit and staff reference in a data folder (before pseudonymisation)."""
    from review.data import load_evidence
    from review.protection.pseudonym import IDENTIFIERS

    evidence = load_evidence(data_dir)
    found: set[str] = set()
    for name, columns in IDENTIFIERS.items():
        if name in evidence.tables:
            for column in columns:
                found.update(str(v) for v in evidence.tables[name][column].dropna())
    sa = evidence.tables.get("self_assessments")
    if sa is not None:
        found.update(str(v) for v in sa.loc[sa["rater_type"].str.lower().isin(["manager", "area manager"]), "rater"])
    return found


def _text(fragment: str) -> str:
    return htmllib.unescape(_TAG.sub(" ", fragment)).strip()


def check_report(path: str | Path, *, identifiers: Iterable[str] = (), threshold: int = 5) -> list[Finding]:
    """Scan an HTML report; return what must not be in it (empty when it is clean).

    Parameters
    ----------
    path : str or pathlib.Path
        The report.
    identifiers : iterable of str
        Raw references from the inputs (see :func:`raw_identifiers`).
    threshold : int, default: ``5``
        Counts from 1 to this must be suppressed in a published report.

    Returns
    -------
    list of Finding
    """
    page = Path(path).read_text(encoding="utf-8")
    findings = [Finding("external URL", m.group(0)) for m in _EXTERNAL.finditer(page)]
    findings += [Finding("external URL", m.group(0)) for m in _ANY_URL.finditer(_TAG.sub(" ", re.sub(
        r"<style.*?</style>", "", page, flags=re.S)))]
    findings += [Finding("code cell", m.group(0)) for m in _CODE.finditer(page)]
    wanted = set(identifiers)
    if wanted:
        tokens = set(_TOKEN.findall(htmllib.unescape(page)))
        findings += [Finding("raw identifier", token) for token in sorted(tokens & wanted)]
    if re.search(r"audience:\s*published", page):
        text = htmllib.unescape(page)
        for m in _RATE.finditer(text):
            k, n = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
            if 1 <= k <= threshold or 1 <= n - k <= threshold:
                findings.append(Finding("small count in a rate", m.group(0)))
        for table in _COUNT_TABLE.finditer(page):
            for cell in _CELL.findall(table.group(1)):
                value = _text(cell).replace(",", "")
                if value.isdigit() and 1 <= int(value) <= threshold:
                    findings.append(Finding("unsuppressed count", f"{value} in a table of counts"))
    return findings
