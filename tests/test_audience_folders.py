"""One folder per audience: internal and published runs of one cycle never replace each other."""

from __future__ import annotations

import shutil

from review.cli import main


def test_internal_and_published_runs_of_one_cycle_exist_side_by_side(tmp_path, capsys, demo_run):
    out = tmp_path / "outputs"
    common = ["run", "--cycle", "2009-Q4", "--framework", "jar_haringey", "--output-root", str(out), "--quiet"]
    code, folder = demo_run
    assert code == 0
    published = out / "2009-Q4"
    shutil.copytree(folder, published)  # the published run of the cycle, already in the folder
    before = (published / "jar_haringey.html").read_bytes()
    capsys.readouterr()
    assert main([*common, "--audience", "internal"]) == 0  # no --force needed: another folder
    internal = out / "internal" / "2009-Q4"
    assert f"Reports for 2009-Q4: {internal / 'index.html'}" in capsys.readouterr().out
    assert (published / "jar_haringey.html").read_bytes() == before  # the published pack untouched
    assert "audience: internal" in (internal / "index.html").read_text()
    assert "(internal audience)</title>" in (internal / "index.html").read_text()
    assert "(published audience)</title>" in (published / "index.html").read_text()
    assert "audience: published" in (published / "index.html").read_text()
    assert main([*common, "--audience", "internal"]) == 2  # the same audience again needs --force
    assert "pass --force" in capsys.readouterr().err
