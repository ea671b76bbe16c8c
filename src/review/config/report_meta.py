"""Who wrote a cycle's board pack, who approved it, when, and which version it is.

A board paper carries its author, its approver, its date and a version line; the pack's cover,
the index and the cycle summary print them from the ``report:`` section of the cycle's params
file, so they are stated once::

    report:
      author: "Head of Quality Assurance, Children's Services"
      approver: "Assistant Director, Safeguarding"
      date: "2010-01-20"
      version: "1.0 (final for the Board, 28 January 2010)"

Every key is checked with the rest of the params, before a kernel starts. A missing section is
allowed (a draft run): every field then reads "not stated", never a made-up name or date.

A notebook reads it through its typed parameters (``ctx.params.report``,
:attr:`review.config.params.RunParameters.report`); the index, from the params file its run's
manifest names (:func:`review.config.params.read_report_meta`). The results layer never reads the
params file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from review.exceptions import ParameterError

__all__ = ["NOT_STATED", "REPORT_KEYS", "ReportMeta", "parse_report_meta"]

NOT_STATED = "not stated"
"""What a page prints for a field the params file leaves out."""

REPORT_KEYS: Mapping[str, str] = {
    "author": "the role (or name) that wrote the pack, e.g. Head of Quality Assurance",
    "approver": "the role (or name) that approved it for the Board",
    "date": "the date of the report, written YYYY-MM-DD",
    "version": "the version line, e.g. 1.0 (final)",
}
"""The keys of the ``report:`` section, each with a sentence of help."""


@dataclass(frozen=True)
class ReportMeta:
    """The author, approver, date and version of a cycle's reports.

    Attributes
    ----------
    author, approver, version : str
        As the params file states them, or ``NOT_STATED``.
    date : datetime.date or None
        The date of the report; None when not stated.
    """

    author: str = NOT_STATED
    approver: str = NOT_STATED
    date: dt.date | None = None
    version: str = NOT_STATED

    @property
    def date_text(self) -> str:
        """The date as a board paper writes it ("20 January 2010"), or ``NOT_STATED``.

        Examples
        --------
        >>> ReportMeta(date=dt.date(2010, 1, 20)).date_text
        '20 January 2010'
        >>> ReportMeta().date_text
        'not stated'
        """
        if self.date is None:
            return NOT_STATED
        return f"{self.date.day} {self.date:%B %Y}"

    def lines(self) -> tuple[tuple[str, str], ...]:
        """The four fields as (label, text) pairs, in the order a cover prints them.

        Examples
        --------
        >>> ReportMeta(author="Head of QA").lines()[0]
        ('Author', 'Head of QA')
        """
        return (
            ("Author", self.author),
            ("Approved by", self.approver),
            ("Date of report", self.date_text),
            ("Version", self.version),
        )


def parse_report_meta(raw: Any, source: str) -> ReportMeta:
    """Validate the ``report:`` section of a params file.

    Parameters
    ----------
    raw : mapping or None
        The section as read from YAML (None when the file has none).
    source : str
        The params file, for the error message.

    Returns
    -------
    ReportMeta
        The validated fields.

    Raises
    ------
    ParameterError
        Listing every unknown key, every empty or non-text value and a date that is not
        ``YYYY-MM-DD``.

    Examples
    --------
    >>> parse_report_meta({"author": "Head of QA", "date": "2010-01-20"}, "p.yaml").date_text
    '20 January 2010'
    >>> parse_report_meta(None, "p.yaml").author
    'not stated'
    >>> parse_report_meta({"autor": "x"}, "p.yaml")
    Traceback (most recent call last):
    ...
    review.exceptions.ParameterError: p.yaml: unknown key `report.autor`; known keys are author, approver, date, version
    """
    if raw is None:
        return ReportMeta()
    if not isinstance(raw, Mapping):
        raise ParameterError(f"`report` must map {', '.join(REPORT_KEYS)} to text; got {type(raw).__name__}", source)
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in REPORT_KEYS:
            problems.append(f"unknown key `report.{key}`; known keys are {', '.join(REPORT_KEYS)}")
        elif key == "date":
            values["date"] = _date(value, problems)
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"`report.{key}` must be non-empty text ({REPORT_KEYS[key]}); got {value!r}")
        else:
            values[key] = value.strip()
    if problems:
        raise ParameterError(problems, source)
    return ReportMeta(**values)


def _date(value: Any, problems: list[str]) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (YAML may already have parsed it), or None with the problem added."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"`report.date` must be a date written YYYY-MM-DD; got {value!r}")
        return None
