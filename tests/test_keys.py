"""The pseudonymisation key: review key new, the key checked by review validate, review reveal."""

from __future__ import annotations

import csv
import io
import re
import shutil
import stat

import pytest

from review.cli import main
from review.protection.pseudonym import DEMO_KEY, DEMO_MARKER, KEY_ENV, KEY_FILE_ENV, pseudonym


@pytest.fixture
def no_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.fixture
def real_data(tmp_path, root):
    """The demo evidence without its synthetic-data marker: real data, which need the council's key."""
    folder = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", folder)
    (folder / DEMO_MARKER).unlink()
    return folder


def test_key_new_writes_a_random_key_readable_by_its_owner_only(tmp_path, capsys, no_key):
    path = tmp_path / "council.key"
    assert main(["key", "new", str(path)]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_text(encoding="ascii")
    # exactly one line of 64 lowercase hex digits (32 random bytes), nothing else
    assert re.fullmatch(r"[0-9a-f]{64}\n", written), written[:80]
    text = written.strip()
    assert len(bytes.fromhex(text)) == 32
    other = tmp_path / "other.key"
    assert main(["key", "new", str(other)]) == 0
    assert other.read_text() != path.read_text()
    capsys.readouterr()
    assert main(["key", "new", str(path)]) == 2  # never overwritten
    assert "already exists" in capsys.readouterr().err
    assert path.read_text().strip() == text


def test_validate_checks_the_key_a_run_would_need(real_data, tmp_path, capsys, monkeypatch, no_key):
    params = tmp_path / "p.yaml"
    params.write_text(f'cycle: "2009-Q4"\ndata_dir: "{real_data}"\n', encoding="utf-8")
    assert main(["validate", str(real_data)]) == 2
    assert f"no pseudonymisation key for {real_data}" in capsys.readouterr().err
    assert main(["validate", str(params)]) == 2
    assert "no pseudonymisation key" in capsys.readouterr().err
    key = tmp_path / "council.key"
    assert main(["key", "new", str(key)]) == 0
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    capsys.readouterr()
    assert main(["validate", str(real_data), str(params)]) == 0
    assert capsys.readouterr().out.count(f"key: the key file named by {KEY_FILE_ENV}") == 2
    key.chmod(0o644)  # readable by others: refused
    assert main(["validate", str(params)]) == 2
    assert "can be read by others than its owner (mode 0644)" in capsys.readouterr().err


def test_an_undecodable_key_in_the_environment_exits_2_naming_it(tmp_path, capsys, monkeypatch, root):
    monkeypatch.setenv(KEY_ENV, "abc\udcff")  # how Python holds the byte 0xFF of an environment variable
    assert main(["validate", str(root / "data" / "demo")]) == 2
    err = capsys.readouterr().err
    assert f"environment variable {KEY_ENV} is not valid text" in err
    assert "Traceback" not in err
    assert main(["run", "--cycle", "2009-Q4", "--output-root", str(tmp_path), "--quiet"]) == 2
    assert f"environment variable {KEY_ENV} is not valid text" in capsys.readouterr().err


def test_reveal_turns_a_pseudonym_back_and_logs_each_use(real_data, tmp_path, capsys, monkeypatch, no_key):
    key = tmp_path / "council.key"
    assert main(["key", "new", str(key)]) == 0
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    shown = pseudonym("TM05", key.read_bytes().strip(), "S")  # as an internal page shows team manager TM05
    log = tmp_path / "access.csv"
    capsys.readouterr()
    assert main(["reveal", shown, "--data", str(real_data), "--log", str(log)]) == 0
    out = capsys.readouterr().out
    assert f"{shown} is 'TM05'" in out
    assert "staff.staff_id" in out
    assert main(["reveal", "S-000000000000", "--data", str(real_data), "--log", str(log)]) == 1
    rows = list(csv.DictReader(io.StringIO(log.read_text())))
    assert [(r["pseudonym"], r["found"]) for r in rows] == [(shown, "yes"), ("S-000000000000", "no")]
    assert "TM05" not in log.read_text()  # the log records the use, never the reference
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert main(["reveal", shown, "--data", str(real_data)]) == 0
    assert shown in (real_data / "access_log.csv").read_text()  # the default log: in the data folder


def test_reveal_on_the_demo_uses_the_demo_key(capsys, no_key):
    assert main(["reveal", pseudonym("TM05", DEMO_KEY, "S"), "--cycle", "2009-Q4", "--log", "/dev/null"]) == 0
    assert "is 'TM05'" in capsys.readouterr().out


def test_reveal_refuses_what_is_not_a_pseudonym(capsys):
    assert main(["reveal", "TM05", "--data", "data/demo"]) == 2
    assert "`PSEUDONYM` is written like S-2f254619b821" in capsys.readouterr().err


def test_a_cycle_with_a_line_break_is_refused(write_params, capsys):
    path = write_params('cycle: "2009-Q4\\n"\ndata_dir: "data/demo"\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "`cycle` must be a cycle written like '2009-Q1'" in err
    assert "Traceback" not in err
