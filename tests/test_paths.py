"""The project root is found from anywhere, and REVIEW_ROOT is checked."""

from __future__ import annotations

import pytest

from review.config.paths import ROOT_ENV, project_root, resolve


def test_root_does_not_depend_on_the_working_directory(root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert project_root() == root
    assert resolve("data/demo") == root / "data" / "demo"
    assert resolve(tmp_path) == tmp_path


def test_root_from_environment(root, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(root / "notebooks" / ".."))
    assert project_root() == root


def test_wrong_environment_root_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"REVIEW_ROOT=.* is not a review project root"):
        project_root()
