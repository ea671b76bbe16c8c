"""The council's evidence map: which of its evidence bears on which framework item, and why.

A council names its own criteria, indicators, audit types and partner agencies. The analyses never
name any of them: they ask the map which evidence tests an item (:meth:`EvidenceMap.entries`) and
which of the council's audit types are of a kind (:meth:`EvidenceMap.types_of_kind`). Both come
from the evidence folder (``evidence_map`` and ``audit_types``, see ``docs/data.md``); an item the
map gives no evidence is judged "no evidence", never green or red on absence alone.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"framework": ["jar_haringey"], "item": ["J07"], "source": ["criterion"],
...                      "evidence": ["plan_smart"], "audit_type": [None], "agencies": [None],
...                      "role": [None], "reason": ["plans say what must change"]})
>>> m = EvidenceMap.from_tables(rows, None)
>>> [e.evidence for e in m.entries("jar_haringey", "J07")], m.entries("jar_haringey", "J01")
(['plan_smart'], ())
>>> m.types_of_kind("cp conference")
('cp conference',)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF
from review.data.schema import AUDIT_KINDS, AUDIT_TYPES

__all__ = ["RECORD_DATASETS", "THEME_DATASETS", "AuditType", "EvidenceMap", "MapEntry", "coverage_lines", "split_list"]

RECORD_DATASETS: dict[str, tuple[str, ...]] = {
    "lscb_chair": ("lscb_board",), "lscb_attendance": ("lscb_board",), "lscb_challenges": ("lscb_challenges",), "scrutiny": ("scrutiny",),
    "scrutiny_reports": ("scrutiny",), "training": ("training",), "staff_feedback": ("staff_feedback",),
    "user_feedback": ("user_feedback",), "scr_actions": ("actions",), "inspection_actions": ("actions",),
    "partner_staffing": ("partner_staffing",), "indicator_areas_analysed": ("indicators", "themes", "audit_learning"),
    "complaints_in_time": ("complaints",), "private_fostering_visits": ("private_fostering",),
    "allegations_in_time": ("lado_allegations",), "vacancies": ("workforce",), "expenditure": ("finance",),
    "liaison_resolved": ("liaison_feedback",),
}
"""The datasets each record measure (:data:`review.data.schema.RECORDS`) is computed from: a record
mapped to an item is evidence only where its folder holds them all."""
THEME_DATASETS = ("audits", "audit_learning")
"""The datasets a ``theme`` entry is computed from (the audit learning and the audits it was recorded on)."""


def split_list(text: object) -> tuple[str, ...]:
    """A ';'-separated cell as a tuple of its parts, spaces trimmed (empty cell: empty tuple).

    >>> split_list(" Acute trust; Community health trust ;"), split_list(None)
    (('Acute trust', 'Community health trust'), ())
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ()
    return tuple(part.strip() for part in str(text).split(";") if part.strip())


@dataclass(frozen=True)
class MapEntry:
    """One piece of evidence mapped to an item.

    Attributes
    ----------
    source : str
        ``criterion``, ``grade``, ``indicator``, ``record`` or ``theme``.
    evidence : str
        The criterion, audit type, indicator, record measure or theme of the audit learning.
    audit_type : str or None
        For a criterion: only answers from audits of this type.
    agencies : tuple of str
        Only audits, training, staffing or liaison feedback of these partner agencies (empty: all).
    role : str
        ``tests`` (judged) or ``context`` (shown, not judged).
    reason : str
        Why the evidence tests what the item says.
    """

    source: str
    evidence: str
    audit_type: str | None
    agencies: tuple[str, ...]
    role: str
    reason: str

    @property
    def judged(self) -> bool:
        """Whether the entry counts towards the item's band."""
        return self.role == "tests"


@dataclass(frozen=True)
class AuditType:
    """One of the council's audit types: its name, its kind and its label in words."""

    audit_type: str
    kind: str
    label: str


@dataclass(frozen=True)
class EvidenceMap:
    """The map and the audit types of one evidence folder.

    Attributes
    ----------
    items : mapping of (framework, item) to tuple of MapEntry
        In the map's row order.
    audit_types : mapping of str to AuditType
        Every declared audit type (each kind named as itself when the folder declares none).
    """

    items: Mapping[tuple[str, str], tuple[MapEntry, ...]] = field(default_factory=dict)
    audit_types: Mapping[str, AuditType] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, evidence_map: pd.DataFrame | None, audit_types: pd.DataFrame | None) -> EvidenceMap:
        """Build the map from the loaded ``evidence_map`` and ``audit_types`` tables (either may be None)."""
        items: dict[tuple[str, str], list[MapEntry]] = {}
        if evidence_map is not None:
            for row in evidence_map.itertuples():
                entry = MapEntry(str(row.source), str(row.evidence), None if pd.isna(row.audit_type) or
                                 row.audit_type is None else str(row.audit_type), split_list(row.agencies),
                                 "tests" if row.role is None or pd.isna(row.role) else str(row.role), str(row.reason))
                items.setdefault((str(row.framework), str(row.item)), []).append(entry)
        if audit_types is not None and len(audit_types):
            types = {str(r.audit_type): AuditType(str(r.audit_type), str(r.kind), str(r.label))
                     for r in audit_types.itertuples()}
        else:
            types = {t: AuditType(t, t, f"{t} audits") for t in AUDIT_TYPES}
        return cls(MappingProxyType({k: tuple(v) for k, v in items.items()}), MappingProxyType(types))

    def entries(self, framework: str, item: str, *, judged_only: bool = False) -> tuple[MapEntry, ...]:
        """The evidence mapped to one item, in the map's order."""
        found = self.items.get((framework, item), ())
        return tuple(e for e in found if e.judged) if judged_only else found

    def kind(self, audit_type: str) -> str | None:
        """The kind of one of the council's audit types (None when undeclared)."""
        found = self.audit_types.get(audit_type)
        return found.kind if found else None

    def label(self, audit_type: str) -> str:
        """An audit type in words, as reports name it."""
        found = self.audit_types.get(audit_type)
        return found.label if found else audit_type

    def types_of_kind(self, *kinds: str) -> tuple[str, ...]:
        """The council's audit types of the given kinds, in declared order."""
        unknown = set(kinds) - set(AUDIT_KINDS)
        if unknown:
            raise ValueError(f"unknown audit kind {sorted(unknown)}; kinds are {', '.join(AUDIT_KINDS)}")
        return tuple(t.audit_type for t in self.audit_types.values() if t.kind in kinds)

    def mapped_items(self) -> tuple[tuple[str, str], ...]:
        """Every (framework, item) the map names."""
        return tuple(self.items)


def _framework_items() -> dict[str, tuple[str, ...]]:
    """Every judged item of every framework, in the source's order (context questions left out)."""
    items = {name: tuple(i.item_id for i in found if i.group != "context"
                         and not any(other.parent == i.item_id for other in found))
             for name, found in FRAMEWORK_ITEMS.items()}
    items["gose_performance"] = tuple(item_id for item_id, _, _ in GOSE_PMF)
    return items


def _absent(entry: MapEntry, present: Collection[str] | None) -> list[str]:
    """The datasets a record entry is computed from that the folder lacks (none for any other
    source, or when what the folder holds is not given)."""
    if present is None or entry.source not in ("record", "theme"):
        return []
    needed = THEME_DATASETS if entry.source == "theme" else RECORD_DATASETS.get(entry.evidence, ())
    return [d for d in needed if d not in present]


def coverage_lines(emap: EvidenceMap, present: Collection[str] | None = None) -> list[str]:
    """What ``review validate`` prints of a folder's map: each item with its evidence, and the items
    with no independent evidence (judged "no evidence", or "self-assessed, not evidenced").

    Parameters
    ----------
    emap : EvidenceMap
    present : collection of str, optional
        The datasets the folder holds. A record mapped to an item whose datasets
        (:data:`RECORD_DATASETS`) are not all there is listed as absent and is not evidence; without
        ``present`` every mapped record counts.

    Returns
    -------
    list of str

    Examples
    --------
    >>> m = EvidenceMap.from_tables(pd.DataFrame({"framework": ["jar_haringey"] * 2, "item": ["J07", "J08"],
    ...     "source": ["criterion", "record"], "evidence": ["plan_smart", "scrutiny"], "audit_type": [None] * 2,
    ...     "agencies": [None] * 2, "role": [None] * 2, "reason": ["r"] * 2}), None)
    >>> lines = coverage_lines(m)
    >>> lines[1], lines[7], lines[8]
    ('  J01: no independent evidence', '  J07: criterion plan_smart', '  J08: record scrutiny')
    >>> coverage_lines(m, present={"audits", "criteria"})[8]
    '  J08: no independent evidence; absent: record scrutiny (scrutiny not in the folder)'
    """
    out = []
    for framework, items in _framework_items().items():
        out.append(f"{framework}:")
        for item in items:
            entries = [(e, _absent(e, present)) for e in emap.entries(framework, item)]
            there = [e for e, missing in entries if not missing]
            words = [f"{e.source} {e.evidence}" + (f" ({e.audit_type})" if e.audit_type else "")
                     + (f" [{'; '.join(e.agencies)}]" if e.agencies else "") + ("" if e.judged else " (context)")
                     for e in there]
            text = (", ".join(words) if any(e.judged for e in there) else
                    "no independent evidence" + (f" (context: {', '.join(words)})" if words else ""))
            gone = [f"{e.source} {e.evidence} ({', '.join(missing)} not in the folder)" for e, missing in entries if missing]
            out.append(f"  {item}: {text}" + (f"; absent: {'; '.join(gone)}" if gone else ""))
    return out
