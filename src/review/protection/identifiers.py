"""How a published page names a regulated service: by type and Ofsted URN, or by a label the
council declares public, never by the name its staff and children know it by.

A children's home named with its grade ("Rowan Close ... Adequate") points at the few children
who live there. Ofsted itself publishes each service by its unique reference number (URN), so a
published page may say "children's home (Ofsted URN 123456)"; a council may instead declare a
label public (``public_label``). Without either, a service is shown by its type and a number in
the order the table lists them (which follows the inspection dates, not the names). An internal
report shows the names.

Examples
--------
>>> service_labels(["Rowan Close", "Oak Lodge", "Adoption agency"],
...                ["children's home", "children's home", "adoption agency"],
...                urns=[None, "SC123456", None], public=[None, None, "Adoption service"], published=True)
["children's home 1", "children's home (Ofsted URN SC123456)", 'Adoption service']
>>> service_labels(["Rowan Close"], ["children's home"], published=False)
['Rowan Close']
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["service_labels"]


def _given(value: object) -> bool:
    return value is not None and value == value and str(value).strip() != ""  # NaN != NaN


def service_labels(names: Sequence[str], types: Sequence[str], *, urns: Sequence[object] | None = None,
                   public: Sequence[object] | None = None, published: bool) -> list[str]:
    """Each service's label as a page may show it (see the module's description).

    Parameters
    ----------
    names, types : sequence of str
        The services' own names and their types, in the table's order.
    urns, public : sequence, optional
        Each service's Ofsted URN and the label its council declares public (None or empty where
        there is none).
    published : bool
        A published page (labels) or an internal one (names).
    """
    if not published:
        return [str(n) for n in names]
    urns = list(urns) if urns is not None else [None] * len(names)
    public = list(public) if public is not None else [None] * len(names)
    seen: dict[str, int] = {}
    out = []
    for kind, urn, label in zip(types, urns, public, strict=True):
        if _given(label):
            out.append(str(label))
        elif _given(urn):
            out.append(f"{kind} (Ofsted URN {urn})")
        else:
            seen[kind] = seen.get(kind, 0) + 1
            out.append(f"{kind} {seen[kind]}")
    return out
