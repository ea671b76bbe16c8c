"""The ``>>>`` examples of the judgement, benchmarking and result-contract modules run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["review.analyses.judgement", "review.analyses.self_assessment", "review.analyses.governance",
           "review.results.summary", "review.results.judgements", "review.config.framework_items",
           "review.stats.benchmark", "review.stats.proportion_difference"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_pass(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
