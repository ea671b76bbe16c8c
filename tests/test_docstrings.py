"""numpydoc's validation over the public statistics and configuration API.

Every public function of ``review.stats`` and the parameter declarations has a summary, documents
each parameter and what it returns; the modules listed in ``_WITH_EXAMPLES`` also carry ``>>>``
examples, which ``make test`` runs as doctests.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

_MODULES = (
    "review.stats.sampling",
    "review.stats.clustered",
    "review.stats.sample_draw",
    "review.stats.spc",
    "review.stats.indicators",
    "review.stats.calendar",
    "review.stats.agreement.coefficients",
    "review.stats.agreement.icc",
    "review.stats.agreement.krippendorff",
    "review.stats.agreement.bootstrap",
    "review.stats.agreement.moderation",
    "review.stats.agreement.tables",
    "review.stats._validation",
    "review.config.cycles",
    "review.config.declarations",
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
                  "review.stats.agreement.tables", "review.config.cycles")


def _public_functions():
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            if inspect.isfunction(getattr(module, name)):
                yield f"{module_name}.{name}"


@pytest.mark.parametrize("qualname", list(_public_functions()))
def test_public_docstring_passes_numpydoc(qualname):
    result = numpydoc_validate.validate(qualname)
    rules = _RULES | ({"EX01"} if qualname.rsplit(".", 1)[0] in _WITH_EXAMPLES else set())
    problems = [f"{code}: {message}" for code, message in result["errors"] if code in rules]
    assert not problems, f"{qualname}: {problems}"
