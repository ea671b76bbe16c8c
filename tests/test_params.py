"""Parameters: strict YAML, unknown keys, types, missing files, notebook validation."""

from __future__ import annotations

import pytest

from review.config.params import (
    COMMON_PARAMS,
    Param,
    from_notebook,
    load_cycle_params,
    validate_values,
)
from review.config.yamlio import load_yaml
from review.exceptions import ParameterError

GOOD = 'cycle: "2009-Q4"\ndata_dir: "data/demo"\n'


def test_yaml_keeps_dates_ids_and_norway_as_text(write_params):
    path = write_params("a: 2009-04-01\nb: NO\nc: 007\nd: off\ne: true\nf: 1e-3\ng: 12\n")
    assert load_yaml(path) == {
        "a": "2009-04-01", "b": "NO", "c": "007", "d": "off", "e": True, "f": 0.001, "g": 12,
    }


def test_valid_file_loads_with_defaults(write_params):
    params = load_cycle_params(write_params(GOOD))
    assert params.cycle == "2009-Q4"
    assert params.common["audience"] == "published"
    assert params.common["confidence_level"] == 0.95
    assert params.for_framework("cycle_summary")["results_dir"] == ""


def test_misspelt_key_is_named_with_the_known_keys(write_params):
    path = write_params(GOOD + "confidence_levle: 0.99\n")
    with pytest.raises(ParameterError, match=r"unknown parameter `confidence_levle`") as info:
        load_cycle_params(path)
    message = str(info.value)
    assert str(path) in message
    for p in COMMON_PARAMS:
        assert p.name in message
    assert "frameworks" in message


def test_every_problem_is_reported_together(write_params):
    path = write_params('cycle: "2009-Q5"\ndata_dir: "nowhere"\nmin_group: "12"\naudience: public\n')
    with pytest.raises(ParameterError) as info:
        load_cycle_params(path)
    problems = info.value.problems
    assert len(problems) == 4
    text = "\n".join(problems)
    assert "`cycle` must be a cycle written like '2009-Q1'; got '2009-Q5'" in text
    assert "`data_dir` must name an existing folder; 'nowhere' resolves to" in text
    assert "`min_group` must be a whole number; got '12' (str)" in text
    assert "`audience` must be one of ['published', 'internal']; got 'public'" in text


def test_unquoted_cycle_like_values_and_bools_are_not_coerced(write_params):
    with pytest.raises(ParameterError, match=r"`audience` must be one of .*got 'NO'"):
        load_cycle_params(write_params(GOOD + "audience: NO\n"))


def test_confidence_level_must_be_a_probability(write_params):
    with pytest.raises(ParameterError, match=r"`confidence_level` must be in the open interval \(0, 1\); got 95"):
        load_cycle_params(write_params(GOOD + "confidence_level: 95\n"))


def test_bool_is_not_an_int(write_params):
    with pytest.raises(ParameterError, match=r"`min_group` must be a whole number; got True"):
        load_cycle_params(write_params(GOOD + "min_group: true\n"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"the params file is empty"),
        ("- a\n- b\n", r"expected a mapping of parameter names to values; got list"),
        ('data_dir: "data/demo"\n', r"`cycle` is required"),
        ("cycle: [unclosed\n", r"not valid YAML"),
        (GOOD + "frameworks:\n  jar_haringy: {}\n", r"unknown framework `jar_haringy` under `frameworks`"),
        (GOOD + "frameworks:\n  cycle_summary:\n    result_dir: x\n",
         r"frameworks.cycle_summary: unknown parameter `result_dir`; known parameters are: params_file, results_dir"),
        (GOOD + "frameworks: 3\n", r"`frameworks` must map framework names"),
    ],
)
def test_malformed_files_are_refused(write_params, text, message):
    with pytest.raises(ParameterError, match=message):
        load_cycle_params(write_params(text))


def test_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ParameterError, match=r"params file not found \(looked for .*nope.yaml\)"):
        load_cycle_params(missing)


def test_overrides_are_validated_too(write_params):
    params = load_cycle_params(write_params(GOOD), overrides={"audience": "internal"})
    assert params.common["audience"] == "internal"
    with pytest.raises(ParameterError, match="`audience` must be one of"):
        load_cycle_params(write_params(GOOD), overrides={"audience": "everyone"})


def test_params_are_read_only(write_params):
    params = load_cycle_params(write_params(GOOD))
    with pytest.raises(TypeError):
        params.common["cycle"] = "2010-Q1"  # type: ignore[index]


def test_from_notebook_validates_the_namespace():
    namespace = {p.name: p.default for p in COMMON_PARAMS} | {"results_dir": "", "params_file": "", "other": 1}
    p = from_notebook("cycle_summary", namespace)
    assert p.cycle == "2009-Q4"
    assert p.path("data_dir").is_dir()
    with pytest.raises(AttributeError, match="'nope' is not a parameter of the cycle_summary notebook"):
        _ = p.nope
    namespace["confidence_level"] = 1.5
    with pytest.raises(ParameterError, match="notebook cycle_summary: `confidence_level`"):
        from_notebook("cycle_summary", namespace)


def test_from_notebook_names_missing_parameters_and_unknown_frameworks():
    with pytest.raises(ParameterError, match="the parameters cell does not define .*results_dir"):
        from_notebook("cycle_summary", {p.name: p.default for p in COMMON_PARAMS})
    with pytest.raises(ParameterError, match=r"`framework` must be one of \['gose_performance', 'jar_haringey'"):
        from_notebook("jar", {})


def test_validate_values_accepts_ints_for_floats():
    out = validate_values({"weight": 3}, (Param("weight", "float", 1.0, "a number"),), "x")
    assert out["weight"] == 3.0
    assert isinstance(out["weight"], float)


def test_declared_bounds_reject_a_default_that_breaks_them():
    from review.config.declarations import Param

    with pytest.raises(ValueError, match="the default breaks the declaration"):
        Param("rounding_base", "int", 0, "help", minimum=1)


def test_red_equal_to_green_is_refused_and_red_below_green_accepted(write_params):
    section = "frameworks:\n  jar_haringey:\n    rag_green: 0.7\n    rag_red: {}\n"
    with pytest.raises(ParameterError, match="`rag_red` must be below `rag_green`"):
        load_cycle_params(write_params(GOOD + section.format(0.7)))
    params = load_cycle_params(write_params(GOOD + section.format(0.69)))
    assert params.for_framework("jar_haringey")["rag_red"] == 0.69


def test_registry_declares_which_parameter_the_batch_sets():
    from review.config.frameworks import FRAMEWORKS, Framework

    assert [fw.name for fw in FRAMEWORKS.values() if fw.results_param] == ["cycle_summary"]
    with pytest.raises(ValueError, match="results_param"):
        Framework("x", "X", "x.ipynb", "x", (), after_others=False, results_param="results_dir")


def test_report_section_is_read_and_checked_with_the_rest(write_params):
    path = write_params(GOOD + 'report:\n  author: "Head of QA"\n  date: "2010-01-20"\n')
    meta = load_cycle_params(path).report
    assert (meta.author, meta.approver, meta.date_text) == ("Head of QA", "not stated", "20 January 2010")
    bad = write_params(GOOD + 'min_group: "x"\nreport:\n  autor: "Head of QA"\n  date: "20/01/2010"\n')
    with pytest.raises(ParameterError) as info:
        load_cycle_params(bad)
    text = "\n".join(info.value.problems)
    assert "unknown key `report.autor`" in text
    assert "`report.date` must be a date written YYYY-MM-DD; got '20/01/2010'" in text
    assert "`min_group` must be a whole number" in text


def test_no_report_section_states_nothing_made_up(write_params):
    assert load_cycle_params(write_params(GOOD)).report.lines() == (
        ("Author", "not stated"), ("Approved by", "not stated"), ("Date of report", "not stated"), ("Version", "not stated"),
    )
