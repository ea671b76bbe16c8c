"""The ``review`` command: validate parameters and data, run the quarterly batch.

Exit codes: 0 success; 1 a report failed; 2 bad parameters or data (nothing was run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review import __version__
from review.config.cycles import parse_cycle
from review.exceptions import DataValidationError, ParameterError

__all__ = ["expand_cycles", "main"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def expand_cycles(specs: Sequence[str]) -> list[str]:
    """Expand cycle arguments: ``2009-Q1`` or a range ``2009-Q1..2009-Q4``.

    Parameters
    ----------
    specs : sequence of str
        Cycles or inclusive ranges.

    Returns
    -------
    list of str
        Every cycle, in the order given, without repeats.

    Raises
    ------
    ParameterError
        If a cycle is not written ``YYYY-Qn`` or a range runs backwards.
    """
    out: list[str] = []
    for spec in specs:
        ends = spec.split("..")
        try:
            if len(ends) > 2:
                raise ValueError(spec)
            keys = [year * 4 + quarter - 1 for year, quarter in map(parse_cycle, ends)]
        except ValueError:
            raise ParameterError(f"`--cycle` must be written like 2009-Q1 or 2009-Q1..2009-Q4; got {spec!r}") from None
        if keys[-1] < keys[0]:
            raise ParameterError(f"`--cycle` range {spec!r} runs backwards")
        for k in range(keys[0], keys[-1] + 1):
            cycle = f"{k // 4}-Q{k % 4 + 1}"
            if cycle not in out:
                out.append(cycle)
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="review",
        description="Safeguarding quality-assurance workbook: agreement and sampling statistics, "
        "quarterly HTML reports per framework.",
    )
    parser.add_argument("--version", action="version", version=f"review {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run the quarterly batch: every framework notebook to HTML")
    run.add_argument("--cycle", action="append", required=True,
                     help="cycle to run, e.g. 2009-Q3, or a range 2009-Q1..2009-Q4; repeatable")
    run.add_argument("--params", help="params file (default params/<cycle>.yaml); one cycle only")
    run.add_argument("--framework", action="append", help="framework to run (repeatable; default all)")
    run.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: cores)")
    run.add_argument("--audience", choices=("published", "internal"),
                     help="override the params file's audience (default there: published)")
    run.add_argument("--force", action="store_true", help="replace a cycle's existing reports")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.add_argument("--timeout", type=float, default=600.0,
                     help="seconds a notebook may run before it is stopped and marked failed (default 600)")
    run.add_argument("--output-root", type=Path, help="folder for cycle folders (default outputs/)")

    val = sub.add_parser("validate", help="validate params files and data folders before a run")
    val.add_argument("paths", nargs="+", help="params files (params/<cycle>.yaml) or data folders (data/demo)")

    demo = sub.add_parser("demo-data", help="write the synthetic demo evidence (reproduces data/demo)")
    demo.add_argument("out", type=Path, help="folder to write into")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's own)")

    sample = sub.add_parser("sample", help="draw a cycle's audit sample per tier and write the allocation as CSV")
    sample.add_argument("--cycle", required=True, help="cycle to draw for; its sampling frame is used")
    sample.add_argument("--data", default="data/demo", help="data folder (default data/demo)")
    sample.add_argument("--seed", type=int, required=True, help="random seed (record it: the same seed repeats the draw)")
    sample.add_argument("--out", type=Path, help="CSV to write (default: print a summary only)")
    sample.add_argument("--dry-run", action="store_true", help="explain the allocation and any unfilled quota; write nothing")

    refresh = sub.add_parser("refresh-notebooks",
                             help="re-run notebooks on the demo cycle and store their regression anchors (for nbval)")
    refresh.add_argument("--framework", action="append", help="framework to refresh (repeatable; default all)")

    chk = sub.add_parser("check-report", help="scan HTML reports for raw identifiers, small counts, external URLs, code")
    chk.add_argument("paths", nargs="+", type=Path, help="HTML reports, or cycle folders of them")
    chk.add_argument("--data", default="data/demo", help="data folder whose raw identifiers must not appear")
    chk.add_argument("--threshold", type=int, default=None,
                     help="counts from 1 to this must be suppressed (default: the suppression_threshold parameter's)")

    sub.add_parser("frameworks", help="list the framework notebooks")
    return parser


def _progress(framework: str, outcome: Any) -> None:
    """One line per notebook: queued, then its state and time."""
    if outcome is None:
        print(f"  queued   {framework}", flush=True)
    else:
        print(f"  {outcome.status:<8} {framework} ({outcome.duration_seconds:.1f} s)", flush=True)


def _cmd_run(args: argparse.Namespace) -> int:
    from review.batch.runner import run_cycle
    from review.config.params import default_params_path, load_cycle_params

    cycles = expand_cycles(args.cycle)
    if args.params and len(cycles) > 1:
        raise ParameterError("`--params` names one file, so it takes exactly one --cycle")
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"`--jobs` must be at least 1; got {args.jobs}")
    overrides = {"audience": args.audience} if args.audience else {}
    # Validate every cycle before any notebook starts.
    loaded = []
    for cycle in cycles:
        params = load_cycle_params(args.params or default_params_path(cycle), overrides=overrides)
        if params.cycle != cycle:
            raise ParameterError(f"the params file is for cycle {params.cycle}, not {cycle}", params.source)
        loaded.append(params)
    from review.config.paths import resolve
    from review.data import load_evidence
    from review.protection.pseudonym import resolve_key

    for folder in sorted({p.common["data_dir"] for p in loaded}):
        load_evidence(folder)  # every data problem, before any kernel starts (exit 2)
        resolve_key(resolve(folder))  # and the pseudonymisation key
    quiet = args.quiet or not sys.stdout.isatty()
    status = EXIT_OK
    for params in loaded:
        if not quiet:
            print(f"Cycle {params.cycle}:", flush=True)
        summary = run_cycle(params, frameworks=args.framework, jobs=args.jobs, force=args.force,
                            progress=None if quiet else _progress, output_root=args.output_root,
                            timeout=args.timeout)
        failed = [o.framework for o in summary.outcomes if o.status != "ok"]
        print(f"Reports for {summary.cycle}: {summary.output_dir / 'index.html'}")
        if failed:
            print(f"  FAILED: {', '.join(failed)} (see their failure pages)", file=sys.stderr)
            status = EXIT_FAILED
    return status


def _cmd_validate(args: argparse.Namespace) -> int:
    from review.config.params import load_cycle_params
    from review.config.paths import resolve
    from review.data import load_evidence

    problems = 0
    for path in args.paths:
        try:
            if resolve(path).is_dir():
                evidence = load_evidence(path)
                audits = evidence.tables.get("audits")
                n = 0 if audits is None else len(audits)
                print(f"{path}: valid ({len(evidence.tables)} files, {n} audits, cycles {', '.join(evidence.cycles)})")
            else:
                params = load_cycle_params(path)
                print(f"{path}: valid (cycle {params.cycle})")
        except (ParameterError, DataValidationError) as exc:
            print(exc, file=sys.stderr)
            problems += 1
    return EXIT_INVALID if problems else EXIT_OK


def _cmd_demo_data(args: argparse.Namespace) -> int:
    from review.data.demo import DEMO_SEED, write_demo

    written = write_demo(args.out, seed=DEMO_SEED if args.seed is None else args.seed)
    print(f"wrote {len(written)} files to {args.out}")
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace) -> int:
    from review.config.cycles import cycle_bounds
    from review.data import load_evidence
    from review.protection.safe_export import write_csv
    from review.stats.sample_draw import draw_sample

    (cycle,) = expand_cycles([args.cycle])
    evidence = load_evidence(args.data)
    frame = evidence.table("frame")
    frame = frame[frame["cycle"] == cycle]
    if frame.empty:
        raise ParameterError(f"the sampling frame in {args.data} has no cases for cycle {cycle}")
    draw = draw_sample(frame, staff=evidence.table("staff"), programme=evidence.table("programme"),
                       as_of=cycle_bounds(cycle)[0], rng=args.seed)
    counts = draw.selected.groupby("tier", sort=False).size()
    print(f"Cycle {cycle}, seed {args.seed}: {len(draw.selected)} cases drawn from {len(frame)} open cases "
          f"({', '.join(f'{t} {n}' for t, n in counts.items())})")
    for line in draw.shortfalls:
        print(f"  unfilled: {line}")
    if args.out and not args.dry_run:
        write_csv(draw.selected, args.out)
        print(f"Allocation written to {args.out}")
    return EXIT_OK


def _cmd_refresh(args: argparse.Namespace) -> int:
    from review.batch.notebook_outputs import refresh_notebook
    from review.config.frameworks import FRAMEWORKS
    from review.config.paths import project_root

    names = args.framework or list(FRAMEWORKS)
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        raise ParameterError(f"unknown framework(s) {unknown}; known frameworks are: {', '.join(FRAMEWORKS)}")
    for name in names:
        path = project_root() / "notebooks" / FRAMEWORKS[name].notebook
        print(f"{path.name}: {refresh_notebook(path)} anchor cells stored")
    return EXIT_OK


def _cmd_check_report(args: argparse.Namespace) -> int:
    from review.config.params import COMMON_PARAMS
    from review.protection.report_check import check_report, raw_identifiers

    threshold = args.threshold
    if threshold is None:
        threshold = next(p.default for p in COMMON_PARAMS if p.name == "suppression_threshold")
    identifiers = raw_identifiers(args.data)
    pages = [p for path in args.paths for p in (sorted(path.glob("*.html")) if path.is_dir() else [path])]
    if not pages:
        raise ParameterError(f"no HTML report found in {[str(p) for p in args.paths]}")
    bad = 0
    for page in pages:
        findings = check_report(page, identifiers=identifiers, threshold=threshold)
        if findings:
            bad += 1
            print(f"{page}: {len(findings)} problem(s)")
            for finding in findings[:20]:
                print(f"  - {finding}")
        else:
            print(f"{page}: clean")
    return EXIT_FAILED if bad else EXIT_OK


def _cmd_frameworks(_: argparse.Namespace) -> int:
    from review.config.frameworks import FRAMEWORKS

    for fw in FRAMEWORKS.values():
        print(f"{fw.name:<22} notebooks/{fw.notebook}\n{'':<22} {fw.purpose}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``review`` command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    handlers = {"run": _cmd_run, "validate": _cmd_validate, "frameworks": _cmd_frameworks,
                "demo-data": _cmd_demo_data, "sample": _cmd_sample, "refresh-notebooks": _cmd_refresh,
                "check-report": _cmd_check_report}
    try:
        return handlers[args.command](args)
    except (ParameterError, DataValidationError) as exc:
        print(f"review {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("review: interrupted; previous reports left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
