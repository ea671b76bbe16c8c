"""The ``review`` command: validate parameters and data, run the quarterly batch.

Exit codes: 0 success; 1 a report failed; 2 bad parameters or data (nothing was run).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nbformat

from review import __version__
from review.analyses.actions import analyse
from review.analyses.red_items import JUDGED_FRAMEWORKS, red_items
from review.batch.action_draft import propose, write_draft
from review.batch.notebook_outputs import clean_notebook, interactive_leftovers, refresh_notebook
from review.batch.region import run_region, validate_region
from review.batch.runner import run_cycle
from review.batch.safety import check_output_root
from review.config.cycles import cycle_bounds, parse_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import default_params_path, load_cycle_params
from review.config.paths import project_root, resolve
from review.config.region import load_region
from review.data import load_evidence
from review.data.demo import DEMO_SEED, write_demo
from review.data.demo_region import write_demo_region
from review.exceptions import DataValidationError, ParameterError, RunFailed
from review.explore.lab import lab_command
from review.protection.pseudonym import resolve_key
from review.protection.report_check import check_file, raw_identifiers
from review.protection.run_context import RunContext, run_context
from review.protection.safe_export import write_csv
from review.stats.sample_draw import draw_sample

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


def _positive_seconds(text: str) -> float:
    """``--timeout``: a positive, finite number of seconds (0, negative, inf and nan are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds; got {text[:40]!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive, finite number of seconds; got {text[:40]!r}")
    return value


def _positive_int(text: str) -> int:
    """A whole number of at least 1 (``--jobs``, ``--threshold``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more; got {text[:40]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more; got {text[:40]!r}")
    return value


def _seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more; got {text[:40]!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 2**63 - 1; got {text[:40]!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="review",
        description="Safeguarding quality-assurance workbook: agreement and sampling statistics, "
        "quarterly HTML reports per framework.",
    )
    parser.add_argument("--version", action="version", version=f"review {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run the quarterly batch: every framework notebook to HTML")
    run.add_argument("--cycle", action="append",
                     help="cycle to run, e.g. 2009-Q3, or a range 2009-Q1..2009-Q4; repeatable")
    run.add_argument("--params", help="params file (default params/<cycle>.yaml); one cycle only")
    run.add_argument("--framework", action="append", help="framework to run (repeatable; default all)")
    run.add_argument("--jobs", type=_positive_int, default=None, help="notebooks run in parallel (default: cores)")
    run.add_argument("--audience", choices=("published", "internal"),
                     help="override the params file's audience (default there: published)")
    run.add_argument("--force", action="store_true", help="replace a cycle's existing reports")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.add_argument("--timeout", type=_positive_seconds, default=600.0,
                     help="seconds a notebook may run before it is stopped and marked failed (default 600)")
    run.add_argument("--output-root", type=Path, help="folder for cycle folders (default outputs/)")
    run.add_argument("--region", type=Path,
                     help="region file: run every authority x cycle x framework on Dask (docs/region.md)")
    run.add_argument("--scheduler", help="with --region: an existing Dask scheduler, tcp://HOST:PORT "
                     "(default: an embedded LocalCluster with --jobs workers)")

    val = sub.add_parser("validate", help="validate params files and data folders before a run")
    val.add_argument("paths", nargs="+", help="params files (params/<cycle>.yaml) or data folders (data/demo)")

    demo = sub.add_parser("demo-data", help="write the synthetic demo evidence (reproduces data/demo)")
    demo.add_argument("out", type=Path, help="folder to write into")
    demo.add_argument("--seed", type=_seed, default=None, help="random seed (default: the demo's own)")
    demo.add_argument("--region", type=_positive_int, metavar="N",
                      help="write a synthetic region of N authorities with planted outliers and its region.yaml")

    sample = sub.add_parser("sample", help="draw a cycle's audit sample per tier and write the allocation as CSV")
    sample.add_argument("--cycle", required=True, help="cycle to draw for; its sampling frame is used")
    sample.add_argument("--data", default="data/demo", help="data folder (default data/demo)")
    sample.add_argument("--seed", type=_seed, required=True, help="random seed (record it: the same seed repeats the draw)")
    sample.add_argument("--out", type=Path, help="CSV to write (default: print a summary only)")
    sample.add_argument("--dry-run", action="store_true", help="explain the allocation and any unfilled quota; write nothing")

    refresh = sub.add_parser("refresh-notebooks",
                             help="re-run notebooks on the demo cycle and store their regression anchors (for nbval)")
    refresh.add_argument("--framework", action="append", help="framework to refresh (repeatable; default all)")

    lab = sub.add_parser("lab", help="start JupyterLab at the project root on the project's kernel (works as root)")
    lab.add_argument("extra", nargs=argparse.REMAINDER, help="further JupyterLab options")

    clean = sub.add_parser("clean-notebooks",
                           help="remove session outputs and widget state from the committed notebooks (anchors kept)")
    clean.add_argument("--check", action="store_true", help="only report what would be removed; exit 1 if anything")

    chk = sub.add_parser("check-report", help="scan HTML reports for raw identifiers, small counts, external URLs, code")
    chk.add_argument("paths", nargs="+", type=Path, help="HTML reports, or cycle folders of them")
    chk.add_argument("--data", default="data/demo", help="data folder whose raw identifiers must not appear")
    chk.add_argument("--threshold", type=_positive_int, default=None,
                     help="counts from 1 to this must not be shown (default: the params file's suppression_threshold)")
    chk.add_argument("--params", type=Path, default=None,
                     help="the run's params file: its suppression_threshold, audience and data folder are used "
                          "(default params/<cycle>.yaml when a cycle folder is checked)")

    sub.add_parser("frameworks", help="list the framework notebooks")
    _actions_parser(sub.add_parser("actions", help="the action plan: draft new actions for a cycle's red items"))
    return parser


def _actions_parser(actions: argparse.ArgumentParser) -> None:
    """``review actions propose``: draft actions for a cycle's red items with no open action."""
    verbs = actions.add_subparsers(dest="verb", metavar="VERB", required=True)
    propose = verbs.add_parser("propose", help="write an .xlsx draft of actions for red items with no open action")
    propose.add_argument("--cycle", required=True, help="cycle whose red items are drafted, e.g. 2009-Q4")
    propose.add_argument("--params", help="params file (default params/<cycle>.yaml): data folder and thresholds")
    propose.add_argument("--out", type=Path, required=True, help="new .xlsx file to write (never overwritten)")


def _cmd_actions(args: argparse.Namespace) -> int:
    (cycle,) = expand_cycles([args.cycle])
    params = load_cycle_params(args.params or default_params_path(cycle))
    if params.cycle != cycle:
        raise ParameterError(f"the params file is for cycle {params.cycle}, not {cycle}", params.source)
    if args.out.exists():
        raise ParameterError(f"`--out` {args.out} already exists; the draft never overwrites a file (choose a new name)")
    evidence = load_evidence(params.common["data_dir"])
    if cycle not in evidence.cycles:
        raise ParameterError(f"`--cycle` {cycle} has no audits in {params.common['data_dir']}; "
                             f"cycles there: {', '.join(evidence.cycles)}")
    thresholds = {f: (params.sections[f]["rag_green"], params.sections[f]["rag_red"]) for f in JUDGED_FRAMEWORKS}
    red = red_items(evidence, [c for c in evidence.cycles if c <= cycle], thresholds=thresholds,
                    confidence_level=params.common["confidence_level"])
    result = analyse(evidence, cycle=cycle, red=red, confidence_level=params.common["confidence_level"])
    drafted = propose(result, set(evidence.table("actions")["action_id"]))
    write_draft(drafted, args.out)
    print(f"Cycle {cycle}: {len(result.red_items)} red items, {len(drafted)} without an open action; "
          f"draft written to {args.out}")
    return EXIT_OK


def _progress(framework: str, outcome: Any) -> None:
    """One line per notebook: queued, then its state and time."""
    if outcome is None:
        print(f"  queued   {framework}", flush=True)
    else:
        print(f"  {outcome.status:<8} {framework} ({outcome.duration_seconds:.1f} s)", flush=True)


def _run_contexts(cycles: list[str], params_file: str | None, overrides: dict[str, Any]) -> list[RunContext]:
    """Each cycle's run context (parameters, key, evidence folder), every data problem found before
    any kernel starts (exit 2)."""
    contexts = []
    for cycle in cycles:
        params = load_cycle_params(params_file or default_params_path(cycle), overrides=overrides)
        if params.cycle != cycle:
            raise ParameterError(f"the params file is for cycle {params.cycle}, not {cycle}", params.source)
        contexts.append(run_context(params))  # the pseudonymisation key found and fit for the data
    for folder in sorted({c.data_dir for c in contexts}):
        evidence = load_evidence(folder)
        for c in contexts:
            if c.data_dir == folder and c.cycle not in evidence.cycles:
                raise ParameterError(f"cycle {c.cycle} has no audits in {c.params.common['data_dir']} (audits file); "
                                     f"cycles there: {', '.join(evidence.cycles) or 'none'}", c.params.source)
    return contexts


def _cmd_run(args: argparse.Namespace) -> int:
    if args.region or args.scheduler:
        return _cmd_run_region(args)
    if not args.cycle:
        raise ParameterError("`review run` needs --cycle (or --region FILE)")
    cycles = expand_cycles(args.cycle)
    if args.params and len(cycles) > 1:
        raise ParameterError("`--params` names one file, so it takes exactly one --cycle")
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"`--jobs` must be at least 1; got {args.jobs}")
    overrides = {"audience": args.audience} if args.audience else {}
    contexts = _run_contexts(cycles, args.params, overrides)  # every cycle checked before any notebook starts
    check_output_root(args.output_root or project_root() / "outputs")  # before any kernel (exit 2)
    quiet = args.quiet or not sys.stdout.isatty()
    status = EXIT_OK
    for context in contexts:
        if not quiet:
            print(f"Cycle {context.cycle}:", flush=True)
        summary = run_cycle(context, frameworks=args.framework, jobs=args.jobs, force=args.force,
                            progress=None if quiet else _progress, output_root=args.output_root,
                            timeout=args.timeout)
        failed = [o.framework for o in summary.outcomes if o.status != "ok"]
        print(f"Reports for {summary.cycle}: {summary.output_dir / 'index.html'}")
        if failed:
            print(f"  FAILED: {', '.join(failed)} (see their failure pages)", file=sys.stderr)
            status = EXIT_FAILED
    return status


def _cmd_validate(args: argparse.Namespace) -> int:
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
    if args.region is not None:

        region, _ = write_demo_region(args.out, args.region, seed=DEMO_SEED if args.seed is None else args.seed)
        print(f"wrote {args.region} authorities to {args.out}; run them with: review run --region {region}")
        return EXIT_OK
    written = write_demo(args.out, seed=DEMO_SEED if args.seed is None else args.seed)
    print(f"wrote {len(written)} files to {args.out}")
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace) -> int:
    cycles = expand_cycles([args.cycle])
    if len(cycles) != 1:
        raise ParameterError(f"`--cycle` names one cycle for a sample; got the range {args.cycle!r}")
    (cycle,) = cycles
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
    names = args.framework or list(FRAMEWORKS)
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        raise ParameterError(f"unknown framework(s) {unknown}; known frameworks are: {', '.join(FRAMEWORKS)}")
    for name in names:
        path = project_root() / "notebooks" / FRAMEWORKS[name].notebook
        print(f"{path.name}: {refresh_notebook(path)} anchor cells stored")
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    command = lab_command(project_root(), extra=args.extra)
    os.execv(command[0], command)
    return EXIT_OK  # pragma: no cover - execv does not return


def _cmd_clean_notebooks(args: argparse.Namespace) -> int:
    dirty = 0
    for path in sorted((project_root() / "notebooks").glob("*.ipynb")):
        problems = (interactive_leftovers(nbformat.read(path, as_version=4)) if args.check
                    else clean_notebook(path))
        if problems:
            dirty += 1
            print(f"{path.name}: {'; '.join(problems)}" + ("" if args.check else " (removed)"))
    if args.check and dirty:
        print(f"{dirty} notebook(s) hold session outputs: run `review clean-notebooks`", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _cmd_check_report(args: argparse.Namespace) -> int:
    """Every file of a run folder (pages, results, manifest, executed notebooks), or the pages given."""

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise ParameterError(f"not found: {', '.join(missing)}")
    files = [p for path in args.paths for p in (sorted(q for q in path.rglob("*") if q.is_file()) if path.is_dir()
                                                 else [path])]
    if not files:
        raise ParameterError(f"no file found in {[str(p) for p in args.paths]}")
    params_file = args.params or next((default_params_path(p.name) for p in args.paths
                                       if p.is_dir() and default_params_path(p.name).is_file()), None)
    common = load_cycle_params(params_file).common if params_file else {}
    threshold = args.threshold if args.threshold is not None else int(common.get("suppression_threshold", 5))
    data = resolve(common["data_dir"]) if params_file and args.data == "data/demo" else resolve(args.data)
    identifiers = raw_identifiers(data)
    key, _ = resolve_key(data)
    bad = 0
    for page in files:
        findings = check_file(page, identifiers=identifiers, threshold=threshold, key=key)
        if findings:
            bad += 1
            print(f"{page}: {len(findings)} problem(s)")
            for finding in findings[:20]:
                print(f"  - {finding}")
        else:
            print(f"{page}: clean")
    return EXIT_FAILED if bad else EXIT_OK


def _cmd_frameworks(_: argparse.Namespace) -> int:
    for fw in FRAMEWORKS.values():
        print(f"{fw.name:<22} notebooks/{fw.notebook}\n{'':<22} {fw.purpose}")
    return EXIT_OK


def _cmd_run_region(args: argparse.Namespace) -> int:
    """``review run --region FILE [--scheduler ADDRESS]``: validate everything, then run on Dask."""

    if not args.region:
        raise ParameterError("`--scheduler` is for regional runs: give the region file with --region FILE")
    if args.cycle or args.params or args.framework:
        raise ParameterError("with --region the region file gives the cycles, params and frameworks; "
                             "drop --cycle, --params and --framework")
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"`--jobs` must be at least 1; got {args.jobs}")
    region = load_region(args.region)
    params = validate_region(region, audience=args.audience)  # every authority, before any kernel (exit 2)
    quiet = args.quiet or not sys.stdout.isatty()
    failures: list[str] = []

    def progress(label: str, outcome: Any, done: int, total: int) -> None:
        if outcome.status != "ok":
            failures.append(label)
            print(f"\r  FAILED  {label}{' ' * 20}", file=sys.stderr, flush=True)
        if not quiet:
            filled = 30 * done // total
            print(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} notebooks", end="", flush=True)

    print(f"Region {region.name}: {len(region.authorities)} authorities x {len(region.cycles)} cycle(s) x "
          f"{len(region.frameworks)} framework(s)", flush=True)
    summary = run_region(region, params, scheduler=args.scheduler, workers=args.jobs, force=args.force,
                         output_root=args.output_root, timeout=args.timeout, progress=progress)
    if not quiet:
        print()
    for (authority, cycle), s in summary.summaries.items():
        print(f"Reports for {authority} {cycle}: {s.output_dir / 'index.html'}{'' if s.ok else '  (FAILED)'}")
    return EXIT_OK if summary.ok else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``review`` command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    handlers = {"run": _cmd_run, "validate": _cmd_validate, "frameworks": _cmd_frameworks,
                "demo-data": _cmd_demo_data, "sample": _cmd_sample, "refresh-notebooks": _cmd_refresh,
                "check-report": _cmd_check_report, "clean-notebooks": _cmd_clean_notebooks,
                "lab": _cmd_lab, "actions": _cmd_actions}
    previous = _terminate_as_interrupt()
    try:
        return handlers[args.command](args)
    except (ParameterError, DataValidationError) as exc:
        print(f"review {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except RunFailed as exc:
        print(f"review {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # a path given on the command line that cannot be read or written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"review {args.command}: cannot read or write{where} ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("review: interrupted; previous reports left as they were", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _terminate_as_interrupt() -> Any:
    """SIGTERM ends a command like Ctrl-C: clean-up runs, workers and kernels are stopped."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
