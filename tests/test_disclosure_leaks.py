"""Planted leaks: each way the demo's published pack let a small count be worked out (issue 28),
rebuilt by hand, with the attacker's arithmetic written out, and shown closed."""

from __future__ import annotations

import pytest

from review.analyses.judgement import Rates
from review.protection.disclosure import DisclosurePolicy
from review.stats.proportion_difference import newcombe_difference
from review.views import common

PUB, INTERNAL = DisclosurePolicy(), DisclosurePolicy(audience="internal")


def change_attack(k: int, n: int, printed: str, *, level: float = 0.95, largest: int = 60) -> set[tuple[int, int]]:
    """Every last-cycle ``(k, n)`` whose change from ``k of n`` prints as ``printed`` ('+22.9 (-11.1 to
    +50.4)'): the attacker tries every group up to ``largest``."""
    found = set()
    for nb in range(1, largest + 1):
        for kb in range(nb + 1):
            d = newcombe_difference(k, n, kb, nb, confidence_level=level)
            ci = d.confidence_interval
            if f"{100 * d.statistic:+.1f} ({100 * ci.low:+.1f} to {100 * ci.high:+.1f})" == printed:
                found.add((kb, nb))
    return found


@pytest.mark.parametrize(("now", "before"), [((9, 16), (5, 15)), ((10, 16), (12, 15))])
def test_change_column_does_not_give_back_last_cycle(now, before):
    """'56.3% (9 of 16) | +22.9 points (-11.1 to +50.4)': the change and its interval fit only 5 of
    15 last quarter (a count of 5). IRO timeliness 10 of 16 against 12 of 15: 3 reviews out of time
    last quarter. Internally the change is printed; published, it is c."""
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "reviews", now, before, "files")
    shown = common.change_text(line, INTERNAL)
    figures = shown.split(" points")[0] + shown.split(" points")[1].split(":")[0]
    assert change_attack(*now, figures) == {before}  # the leak, as the demo's page had it
    assert common.change_text(line, PUB) == "c"


def test_change_is_shown_when_last_cycle_could_be_shown_too():
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "plans", (60, 100), (48, 90), "files")
    assert common.change_text(line, PUB) == common.change_text(line, INTERNAL) != "c"
