"""Reading the evidence several analyses share: its tables without a copy, partner agencies' auditors,
values worked out once per evidence object."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

from review.data import Evidence

__all__ = ["agency_of", "kept_for", "read_only"]

T = TypeVar("T")


def agency_of(evidence: Evidence) -> dict[str, str]:
    """Partner-agency auditors (pseudonymised staff ids) to their agency (``staff.service``)."""
    staff = read_only(evidence, "staff")
    return {str(r.staff_id): str(r.service) for r in staff.itertuples() if r.tier == "Partner agency" and r.service}


def read_only(evidence: Evidence, name: str) -> pd.DataFrame:
    """One table of the evidence without :meth:`Evidence.table`'s defensive copy, for code here that
    only filters it (a boolean selection is a new frame): these helpers run hundreds of times per
    report, and copying the whole audits table each time cost a third of a cycle summary's actions."""
    return evidence.tables[name] if name in evidence.tables else evidence.table(name)



def kept_for(store: dict[Any, tuple[Any, Any]], limit: int, key: Hashable, evidence: object,
             compute: Callable[[], T]) -> T:
    """The value ``compute`` gives for ``key``, worked out once per evidence object and kept in ``store``.

    ``key`` holds ``id(evidence)``; the entry holds the object itself, so its identity cannot be
    reused while the entry lives, and an entry made for another object under the same id is worked
    out afresh. Once ``store`` holds ``limit`` entries the oldest goes. A key holding a value that
    cannot be hashed (a caller's declared lines given as lists) is worked out every time, never kept.

    >>> store, calls, ev = {}, [], object()
    >>> kept_for(store, 2, (id(ev), "2009-Q3"), ev, lambda: calls.append(1) or "red")
    'red'
    >>> kept_for(store, 2, (id(ev), "2009-Q3"), ev, lambda: calls.append(1) or "red"), len(calls)
    ('red', 1)
    >>> kept_for(store, 2, (id(ev), [0.9]), ev, lambda: calls.append(1) or "red"), len(calls), len(store)
    ('red', 2, 1)
    """
    try:
        kept = store.get(key)
    except TypeError:  # unhashable: worked out every time
        return compute()
    if kept is None or kept[0] is not evidence:
        kept = (evidence, compute())
        if len(store) >= limit:
            store.pop(next(iter(store)))
        store[key] = kept
    return kept[1]
