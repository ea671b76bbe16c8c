"""``python -m review`` and the ``review`` command: the command line, with jsonschema's optional
``rfc3987_syntax`` import skipped before the command line imports nbformat
(:mod:`review.batch.lean_imports`)."""

from review.batch.lean_imports import skip_rfc3987_syntax

skip_rfc3987_syntax()

from review.cli import main  # noqa: E402 - after the skip above


def run() -> None:
    """The ``review`` command's entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
