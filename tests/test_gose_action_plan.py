"""The GOSE page's action plan gets its red items as every other page's does.

The GOSE notebook once built its plan with ``action_plan.analyse(..., red={})``: it was written to show
the serious case review and remedial actions only, before the action plan counted GOSE's reds
(commit 414f778), and it was never moved on; so its page listed no red item with its action. Every
framework notebook now builds its plan with ``analyse_context(ctx, (its framework,))`` and shows its
red items with :func:`review.views.actions.for_framework`.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from review.config.frameworks import FRAMEWORKS

_PAGES = ("gose_performance", "jar_haringey", "healthcare_commission", "lscb_checklist", "governance")


def _code(root: Path, framework: str) -> str:
    cells = json.loads((root / "notebooks" / FRAMEWORKS[framework].notebook).read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _calls(code: str, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == name]


@pytest.mark.parametrize("framework", _PAGES)
def test_each_page_builds_its_action_plan_from_its_own_red_items(root, framework):
    code = _code(root, framework)
    assert _calls(code, "analyse") == [] or all(
        not (isinstance(c.func.value, ast.Name) and c.func.value.id == "action_plan") for c in _calls(code, "analyse"))
    built = _calls(code, "analyse_context")
    plans = [c for c in built if isinstance(c.func.value, ast.Name) and c.func.value.id == "action_plan"]
    assert len(plans) == 1, framework
    assert ast.literal_eval(plans[0].args[1]) == (framework,)  # its own red items, on its own thresholds
    shown = _calls(code, "for_framework")
    assert [ast.literal_eval(c.args[1]) for c in shown] == [framework]


def test_the_gose_plan_lists_the_red_items_the_gose_page_judges(root):
    """On the demo: the plan's GOSE items are the page's red items this quarter, each with its actions."""
    from review.analyses import actions as action_plan
    from review.analyses.context import context
    from review.analyses.gose import gose_result
    from review.config.params import from_notebook

    cells = json.loads((root / "notebooks" / "gose_performance.ipynb").read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    exec("".join(next(c for c in cells if "parameters" in c["metadata"].get("tags", ()))["source"]), namespace)
    ctx = context(from_notebook("gose_performance", namespace))
    page_red = {i.item for i in gose_result(ctx).items if i.judgement.band == "red"}
    assert page_red  # the demo's GOSE page has red items (a board must see them)
    plan = action_plan.analyse_context(ctx, ("gose_performance",))
    assert {r.item_id for r in plan.red_items} == page_red
    assert all(r.framework == "gose_performance" for r in plan.red_items)
