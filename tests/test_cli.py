"""The `review` command line: help, version, validation exit codes, cycle ranges."""

from __future__ import annotations

import subprocess
import sys

import pytest

from review import __version__
from review.cli import expand_cycles, main
from review.exceptions import ParameterError


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("run", "validate", "frameworks"):
        assert command in out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"review {__version__}"


def test_console_script_is_installed():
    done = subprocess.run([sys.executable, "-m", "review", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"review {__version__}"


def test_validate_bundled_params(root, capsys):
    files = sorted(str(p) for p in (root / "params").glob("*.yaml"))
    assert files
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count(": valid (cycle ") == len(files)


def test_validate_misspelt_key_exits_2_naming_it(write_params, capsys):
    path = write_params('cycle: "2009-Q4"\naudiance: internal\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown parameter `audiance`" in err
    assert ("known parameters are: audience, authority, confidence_level, cycle, data_dir, frameworks, min_group, "
            "report, rounding_base, suppression_threshold, thresholds_file") in err
    assert "Traceback" not in err


def test_validate_rounding_base_0_exits_2_naming_it(write_params, capsys, root):
    # The bounds are declared with the parameters: a rounding base below 1 would divide by 0.
    path = write_params('cycle: "2009-Q4"\nrounding_base: 0\n')
    assert main(["validate", str(path), str(root / "data" / "demo")]) == 2
    err = capsys.readouterr().err
    assert "`rounding_base` must be at least 1; got 0 (int)" in err
    assert "Traceback" not in err


def test_validate_red_above_green_exits_2_naming_both(write_params, capsys, root):
    path = write_params('cycle: "2009-Q4"\nframeworks:\n  jar_haringey:\n    rag_green: 0.7\n    rag_red: 0.75\n')
    assert main(["validate", str(path), str(root / "data" / "demo")]) == 2
    err = capsys.readouterr().err
    assert "frameworks.jar_haringey: `rag_red` must be below `rag_green`; got rag_red=0.75 and rag_green=0.7" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("line", "name"), [("suppression_threshold: 0", "suppression_threshold"),
                                            ("min_group: -1", "min_group")])
def test_validate_other_bounds_exit_2(write_params, capsys, line, name):
    assert main(["validate", str(write_params(f'cycle: "2009-Q4"\n{line}\n'))]) == 2
    assert f"`{name}` must be at least 1" in capsys.readouterr().err


def test_run_with_misspelt_parameter_exits_2_before_any_notebook(write_params, tmp_path, capsys):
    path = write_params('cycle: "2009-Q4"\nsed: 3\n')
    out_root = tmp_path / "out"
    code = main(["run", "--cycle", "2009-Q4", "--params", str(path), "--output-root", str(out_root)])
    assert code == 2
    assert "unknown parameter `sed`" in capsys.readouterr().err
    assert not out_root.exists()


def test_run_refuses_params_of_another_cycle(write_params, capsys):
    path = write_params('cycle: "2009-Q3"\n')
    assert main(["run", "--cycle", "2009-Q4", "--params", str(path)]) == 2
    assert "is for cycle 2009-Q3, not 2009-Q4" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["actions", "propose", "--out", "draft.xlsx"], ["pack"],
                                     ["sample", "--seed", "1"]])
def test_one_cycle_commands_refuse_params_of_another_cycle(write_params, tmp_path, capsys, command):
    path = write_params('cycle: "2009-Q3"\n')
    argv = [*command, "--cycle", "2009-Q4", "--params", str(path)]
    assert main([str(tmp_path / a) if a == "draft.xlsx" else a for a in argv]) == 2
    assert "is for cycle 2009-Q3, not 2009-Q4" in capsys.readouterr().err


def test_actions_propose_refuses_a_range_of_cycles(tmp_path, capsys):
    code = main(["actions", "propose", "--cycle", "2009-Q3..2009-Q4", "--out", str(tmp_path / "draft.xlsx")])
    assert code == 2
    assert "names one cycle here; got the range '2009-Q3..2009-Q4'" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: review" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["2009-Q3"], ["2009-Q3"]),
        (["2009-Q3..2010-Q2"], ["2009-Q3", "2009-Q4", "2010-Q1", "2010-Q2"]),
        (["2009-Q1", "2009-Q1..2009-Q2"], ["2009-Q1", "2009-Q2"]),
    ],
)
def test_expand_cycles(specs, expected):
    assert expand_cycles(specs) == expected


@pytest.mark.parametrize(("spec", "message"), [("2009Q3", "must be written like"), ("2009-Q4..2009-Q1", "runs backwards")])
def test_expand_cycles_refuses(spec, message):
    with pytest.raises(ParameterError, match=message):
        expand_cycles([spec])
