"""numpydoc's validation over the public statistics, configuration and data-entry API.

Every public function of the modules listed in ``_MODULES`` (the statistics, the parameter
declarations and configuration, the forms, the data-entry helpers, the earlier cycles' bands and
the pseudonymisation keys, the source's items, the per-item thresholds, the region comparison's
parameters) has a summary, documents each parameter and what it returns; the modules
listed in ``_WITH_EXAMPLES``, and the functions in ``_FUNCTIONS_WITH_EXAMPLES``, also carry ``>>>``
examples, which ``make test`` runs as doctests.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

# numpydoc is in the test extra: a missing one fails the suite rather than skipping this file unseen.
from numpydoc import validate as numpydoc_validate

_MODULES = (
    "review.stats.sampling",
    "review.stats.clustered",
    "review.stats.sample_draw",
    "review.stats.spc",
    "review.stats.indicators",
    "review.stats.calendar",
    "review.stats.funnel",
    "review.stats.benchmark",
    "review.stats.proportion_difference",
    "review.stats.agreement.coefficients",
    "review.stats.agreement.icc",
    "review.stats.agreement.krippendorff",
    "review.stats.agreement.bootstrap",
    "review.stats.agreement.moderation",
    "review.stats.agreement.tables",
    "review.stats.agreement.weights",
    "review.stats._validation",
    "review.config.cycles",
    "review.config.declarations",
    "review.config.numbers",
    "review.config.glossary",
    "review.config.report_meta",
    "review.config.framework_items",
    "review.config.thresholds",
    "review.config.region",
    "review.forms.write",
    "review.forms.collect",
    "review.data.hints",
    "review.data.mapping",
    "review.data.templates",
    "review.data.append",
    "review.data.workbook_out",
    "review.batch.history",
    "review.protection.keys",
)
# Structural rules: GL08 no docstring, SS01/SS03 summary, PR01/PR02 parameters documented and
# real, RT01 returns documented, GL02/GL03 blank-line layout.
_RULES = {"GL08", "SS01", "SS03", "PR01", "PR02", "RT01", "GL02", "GL03"}
_WITH_EXAMPLES = ("review.stats.sampling", "review.stats.clustered", "review.stats._validation",
                  "review.stats.agreement.tables", "review.config.cycles", "review.config.declarations",
                  "review.config.numbers", "review.config.glossary", "review.config.report_meta",
                  "review.stats.funnel", "review.stats.benchmark", "review.stats.proportion_difference",
                  "review.data.hints")
# Functions held to examples in modules not (yet) held to them whole.
_FUNCTIONS_WITH_EXAMPLES = ("review.stats.agreement.weights.category_scores", "review.config.thresholds.item_threshold",
                            "review.config.region.check_cycle_covered", "review.config.framework_items.rated_items")


def _functions_of(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    return [f"{module_name}.{name}" for name in getattr(module, "__all__", ())
            if inspect.isfunction(getattr(module, name))]


def _public_functions():
    for module_name in _MODULES:
        yield from _functions_of(module_name)


def test_every_listed_module_has_public_functions_to_check():
    """A module with no ``__all__``, or none of whose names is a function, would add no case above and pass
    unseen; so would a module held to examples but not listed."""
    assert set(_WITH_EXAMPLES) <= set(_MODULES)
    assert set(_FUNCTIONS_WITH_EXAMPLES) <= set(_public_functions())
    assert [m for m in _MODULES if not _functions_of(m)] == []


@pytest.mark.parametrize("qualname", list(_public_functions()))
def test_public_docstring_passes_numpydoc(qualname):
    result = numpydoc_validate.validate(qualname)
    held = qualname.rsplit(".", 1)[0] in _WITH_EXAMPLES or qualname in _FUNCTIONS_WITH_EXAMPLES
    rules = _RULES | ({"EX01"} if held else set())
    problems = [f"{code}: {message}" for code, message in result["errors"] if code in rules]
    assert not problems, f"{qualname}: {problems}"
