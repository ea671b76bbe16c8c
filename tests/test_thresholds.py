"""Per-item thresholds: declared with their source, checked before anything runs."""

from __future__ import annotations

import pytest

from review.config.thresholds import WORKBOOK_SOURCE, Threshold, item_threshold, load_thresholds
from review.exceptions import ParameterError


def _write(tmp_path, text):
    path = tmp_path / "thresholds.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_declared_threshold_is_read_with_its_source(tmp_path):
    path = _write(tmp_path, 'jar_haringey:\n  J11: {green: 0.9, red: 0.75, source: "local target: plan 2009-10"}\n'
                            'gose_performance:\n  G03: {green: 0.85, red: 0.7, source: "local"}\n')
    declared = load_thresholds(path)
    assert declared[("jar_haringey", "J11")] == Threshold(0.9, 0.75, "local target: plan 2009-10")
    assert declared[("gose_performance", "G03")].green == 0.85
    assert item_threshold(declared, "jar_haringey", "J07", green=0.8, red=0.65) == Threshold(0.8, 0.65, WORKBOOK_SOURCE)


def test_every_problem_is_named_with_framework_item_and_key(tmp_path):
    path = _write(tmp_path, "jar_haringey:\n"
                            "  J12: {green: 0.9, red: 0.7, source: x}\n"  # no such finding
                            "  J07: {green: 0.7, red: 0.9, source: x}\n"  # red above green
                            "  J05: {green: 90, red: 0.7, source: x}\n"  # a percentage, not a proportion
                            "  J06: {green: 0.9, red: 0.7}\n"  # no source
                            "  J08: {green: 0.9, red: 0.7, source: x, amber: 0.8}\n"  # unknown key
                            "nhs:\n  H1: {green: 0.9, red: 0.7, source: x}\n")
    with pytest.raises(ParameterError) as err:
        load_thresholds(path)
    text = str(err.value)
    assert "jar_haringey.J12: unknown item" in text
    assert "jar_haringey.J07: red (0.9) must be below green (0.7)" in text
    assert "jar_haringey.J05.green: expected a proportion between 0 and 1" in text
    assert "jar_haringey.J06.source: expected the threshold's source" in text
    assert "jar_haringey.J08: unknown key(s) amber" in text
    assert "unknown framework 'nhs'" in text


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ParameterError, match="`thresholds_file`"):
        load_thresholds(tmp_path / "none.yaml")


def test_the_demo_thresholds_file_is_valid(root):
    declared = load_thresholds(root / "params" / "thresholds" / "demo.yaml")
    assert declared
    assert all(t.source for t in declared.values())


def test_a_params_file_with_a_bad_thresholds_file_is_refused_before_any_kernel(tmp_path, root):
    from review.cli import main

    bad = _write(tmp_path, "jar_haringey:\n  J07: {green: 0.6, red: 0.7, source: local}\n")
    params = tmp_path / "2009-Q4.yaml"
    params.write_text(f'cycle: "2009-Q4"\ndata_dir: "data/demo"\nthresholds_file: "{bad}"\n', encoding="utf-8")
    assert main(["validate", str(params)]) == 2
    assert main(["run", "--cycle", "2009-Q4", "--params", str(params), "--output-root", str(tmp_path / "out"),
                 "--quiet"]) == 2
    assert not (tmp_path / "out" / "2009-Q4").exists()


def test_the_run_parameters_carry_the_declared_thresholds(root):
    from review.config.params import RunParameters

    p = RunParameters("jar_haringey", {"thresholds_file": "params/thresholds/demo.yaml"})
    assert p.thresholds[("jar_haringey", "J11")].green == 0.9  # the demo's local line for J11
    assert RunParameters("jar_haringey", {"thresholds_file": ""}).thresholds == {}


def test_a_thresholds_file_that_is_not_yaml_is_a_parameter_error(tmp_path):
    from review.config.thresholds import load_thresholds
    from review.exceptions import ParameterError

    file = tmp_path / "t.yaml"
    file.write_text("jar_haringey:\n  J02:\n    source: local: plan\n")  # an unquoted colon
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_thresholds(file)
