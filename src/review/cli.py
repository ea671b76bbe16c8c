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
from review.batch.action_draft import propose, write_draft
from review.batch.notebook_outputs import clean_notebook, interactive_leftovers, refresh_notebook
from review.batch.region import run_region, validate_region
from review.batch.runner import run_cycle
from review.batch.safety import check_output_root
from review.config.cycles import cycle_bounds, parse_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import CycleParams, default_params_path, load_cycle_params
from review.config.paths import project_root, resolve
from review.config.region import load_region
from review.data import load_evidence
from review.data.demo import DEMO_SEED, write_demo
from review.data.demo_region import write_demo_region
from review.data.hints import hint
from review.exceptions import DataValidationError, ParameterError, RunFailed
from review.explore.lab import lab_command, lab_environment
from review.protection.keys import check_key
from review.protection.pseudonym import resolve_key
from review.protection.publish_gate import RUN_FILES_WITHHELD
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


def _date(text: str) -> Any:
    """A date written YYYY-MM-DD."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date written YYYY-MM-DD; got {text[:40]!r}") from None


def _share(text: str) -> float:
    """A share above 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share above 0 and at most 1, e.g. 0.25; got {text[:40]!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share above 0 and at most 1, e.g. 0.25; got {text[:40]!r}")
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

    sample = sub.add_parser("sample", help="draw a cycle's audit sample per tier; write the allocation and the "
                            "auditors' forms")
    sample.add_argument("--cycle", required=True, help="cycle to draw for; its sampling frame is used")
    sample.add_argument("--params", help="params file (default params/<cycle>.yaml): its data folder is used")
    sample.add_argument("--data", help="data folder, instead of a params file's")
    sample.add_argument("--seed", type=_seed, required=True, help="random seed (record it: the same seed repeats the draw)")
    sample.add_argument("--out", type=Path, help="allocation CSV to write (default: print a summary only)")
    sample.add_argument("--forms", type=Path, metavar="DIR",
                        help="write one .xlsx audit form per auditor into DIR (never replaces a form)")
    sample.add_argument("--due", type=_date, help="date the forms are due back, YYYY-MM-DD (default: the cycle's "
                        "last day)")
    sample.add_argument("--grade-scale", help="scale of the overall grade on the forms (default: the scale of most "
                        "earlier audits of the type)")
    sample.add_argument("--audit-type", help="audit type drawn for, as audits.audit_type names it (default: the one "
                        "audit type of kind `case file` in audit_types)")
    sample.add_argument("--moderation", action="store_true",
                        help="draw the moderation sample from the cycle's first audits instead (re-audits by a more "
                        "senior tier), with --share")
    sample.add_argument("--share", type=_share, default=0.25,
                        help="with --moderation: share of each tier's first audits moderated (default 0.25)")
    sample.add_argument("--moderator", action="append", metavar="TIER=TIER",
                        help="with --moderation: who moderates whom, e.g. ATM=SM (repeatable; default: the next tier up)")
    sample.add_argument("--dry-run", action="store_true", help="explain the allocation and any unfilled quota; write nothing")

    collect = sub.add_parser("collect", help="read returned audit forms into the data folder's audits dataset")
    collect.add_argument("forms", type=Path, metavar="DIR", help="folder of the forms (review sample --forms DIR)")
    collect.add_argument("--cycle", required=True, help="the forms' cycle")
    collect.add_argument("--into", type=Path, metavar="FOLDER", help="data folder whose audits.csv the audits join")
    collect.add_argument("--params", help="params file whose data folder the audits join (instead of --into)")
    collect.add_argument("--force", action="store_true", help="replace audits already there whose answers differ")

    refresh = sub.add_parser("refresh-notebooks",
                             help="re-run notebooks on the demo cycle and store their regression anchors (for nbval)")
    refresh.add_argument("--framework", action="append", help="framework to refresh (repeatable; default all)")

    lab = sub.add_parser(
        "lab", help="start JupyterLab at the project root on the project's kernel (works as root)",
        description="Start JupyterLab at the project root, on loopback, with the pre-save hook that keeps session "
                    "outputs and parameters out of the committed notebooks. Every other option is passed to "
                    "JupyterLab as it is, e.g. `review lab --port 8890 --no-browser`, "
                    "`review lab --ServerApp.ip=0.0.0.0`, `review lab -- --ServerApp.token=...` (see `jupyter lab "
                    "--help-all`); a later option overrides the default it names. Framework notebooks run in the "
                    "session keep their results in outputs/lab/<cycle>/ (never a batch run's folder), and the cycle "
                    "summary run there reads them and says so; REVIEW_LAB_RECORDS= (empty) records nothing.")
    lab.add_argument("extra", nargs="*", metavar="JUPYTERLAB-OPTION",
                     help="passed to JupyterLab: --port N, --no-browser, --ServerApp.* ... (anything after -- too)")

    clean = sub.add_parser("clean-notebooks",
                           help="remove session outputs and widget state from the committed notebooks (anchors kept)")
    clean.add_argument("--check", action="store_true", help="only report what would be removed; exit 1 if anything")

    chk = sub.add_parser("check-report", help="scan HTML reports for raw identifiers, small counts, external URLs, code")
    chk.add_argument("paths", nargs="+", type=Path, help="HTML reports, or cycle folders of them")
    chk.add_argument("--data", help="data folder whose raw identifiers must not appear (default: the params file's, "
                     "else data/demo)")
    chk.add_argument("--threshold", type=_positive_int, default=None,
                     help="counts from 1 to this must not be shown (default: the params file's suppression_threshold)")
    chk.add_argument("--params", type=Path, default=None,
                     help="the run's params file: its suppression_threshold, audience and data folder are used "
                          "(default params/<cycle>.yaml when a cycle folder is checked)")

    pack = sub.add_parser("pack", help="print a cycle's board pack: one A4 PDF beside its reports (cover, contents, "
                          "key messages, summary, every report, glossary)")
    pack.add_argument("--cycle", required=True, help="the cycle whose reports are packed, e.g. 2009-Q4")
    pack.add_argument("--audience", choices=("published", "internal"),
                      help="whose reports (default: the params file's audience, there published)")
    pack.add_argument("--params", help="params file (default params/<cycle>.yaml): authority, author, approver, "
                      "date and version")
    pack.add_argument("--output-root", type=Path, help="folder of the cycle folders (default outputs/)")
    pack.add_argument("--browser", help="Chromium, Chrome or Edge to print with (default: REVIEW_CHROMIUM, else the "
                      "first found)")
    sub.add_parser("frameworks", help="list the framework notebooks")
    _actions_parser(sub.add_parser("actions", help="the action plan: draft new actions for a cycle's red items, "
                                   "merge a reviewed draft"))
    init = sub.add_parser("init", help="a council's first quarter: templates for every dataset, an empty data "
                          "folder and a params file")
    init.add_argument("folder", type=Path, metavar="FOLDER", help="new folder to write into")
    init.add_argument("--cycle", help="the first cycle, written into the params file (e.g. 2010-Q1)")
    key = sub.add_parser("key", help="the pseudonymisation key: `review key new FILE` makes one")
    key_verbs = key.add_subparsers(dest="verb", metavar="VERB", required=True)
    key_new = key_verbs.add_parser("new", help="write a new random key to FILE, readable by its owner only (0600)")
    key_new.add_argument("file", type=Path, metavar="FILE", help="new file (never overwritten); keep it outside "
                         "the repository and name it in REVIEW_PSEUDONYM_KEY_FILE")
    reveal = sub.add_parser("reveal", help="internal use: the reference behind a pseudonym on an internal page "
                            "(each use is logged)")
    reveal.add_argument("pseudonym", metavar="PSEUDONYM", help="e.g. S-2f254619b821")
    reveal.add_argument("--cycle", help="cycle whose params file names the data folder (params/<cycle>.yaml)")
    reveal.add_argument("--params", help="params file naming the data folder")
    reveal.add_argument("--data", help="data folder, instead of a params file's")
    reveal.add_argument("--log", type=Path, help="access log to append to (default: access_log.csv in the data folder)")
    return parser


def _actions_parser(actions: argparse.ArgumentParser) -> None:
    """``review actions propose`` and ``merge``: draft actions for a cycle's red items, merge a reviewed draft."""
    verbs = actions.add_subparsers(dest="verb", metavar="VERB", required=True)
    drafting = verbs.add_parser("propose", help="write an .xlsx draft of actions for red items with no open action")
    drafting.add_argument("--cycle", required=True, help="cycle whose red items are drafted, e.g. 2009-Q4")
    drafting.add_argument("--params", help="params file (default params/<cycle>.yaml): data folder and thresholds")
    drafting.add_argument("--out", type=Path, required=True, help="new .xlsx file to write (never overwritten)")
    drafting.add_argument("--output-root", type=Path, help="where earlier runs' cycle folders are: a quarter "
                         "a run of this audience and authority recorded counts as the run judged it, and red runs "
                         "carry back before the evidence's first quarter (default outputs/)")
    merge = verbs.add_parser("merge", help="merge a reviewed draft into the data folder's actions register")
    merge.add_argument("draft", type=Path, metavar="DRAFT", help="the reviewed .xlsx draft")
    merge.add_argument("--cycle", help="cycle whose params file names the data folder (params/<cycle>.yaml)")
    merge.add_argument("--params", help="params file naming the data folder")
    merge.add_argument("--into", help="data folder, instead of a params file's")


def _cmd_actions(args: argparse.Namespace) -> int:
    from review.batch.action_draft import carry_forward, headings, page_reds
    from review.batch.history import earlier_bands

    if args.verb == "merge":
        return _cmd_actions_merge(args)
    cycle = _one_cycle(args.cycle)
    params = _cycle_params(cycle, args.params)
    if args.out.exists():
        raise ParameterError(f"`--out` {args.out} already exists; the draft never overwrites a file (choose a new name)")
    evidence = load_evidence(params.common["data_dir"])
    if cycle not in evidence.cycles:
        raise ParameterError(f"`--cycle` {cycle} has no audits in {params.common['data_dir']}; "
                             f"cycles there: {', '.join(evidence.cycles)}")
    judged = [c for c in evidence.cycles if c <= cycle]
    red, withheld, texts = page_reds(evidence, params, judged)
    carry_forward(red, withheld, earlier_bands(args.output_root or project_root() / "outputs", cycle,
                                               params.common["audience"], authority=str(params.common["authority"])))
    result = analyse(evidence, cycle=cycle, red=red, withheld=withheld,
                     confidence_level=params.common["confidence_level"])
    register = evidence.table("actions")
    drafted = propose(result, set(register["action_id"]), register=register, texts=texts)
    write_draft(drafted, args.out)
    shown = [r for r in result.red_items if r.item_id not in headings(r.framework)]
    print(f"Cycle {cycle}: {len(shown)} red items as the {params.common['audience']} pages show them, "
          f"{len(drafted)} without an open action; draft written to {args.out}")
    return EXIT_OK


def _cmd_actions_merge(args: argparse.Namespace) -> int:
    from review.batch.action_draft import read_draft
    from review.data.append import merge_rows
    from review.data.schema import DATASETS

    folder = _named_folder(args.into, args.params, args.cycle, "--into")
    evidence = load_evidence(folder, complete=False)
    rows = read_draft(args.draft, evidence)
    outcome = merge_rows(resolve(folder), "actions", rows, key="action_id", force=False,
                         columns=[c.name for c in DATASETS["actions"].columns], what="action",
                         check=lambda: load_evidence(folder, complete=False))  # invalid: put back, exit 2
    print(f"{len(rows)} actions in the draft: {outcome.added} added to {outcome.path}, {outcome.unchanged} already "
          "there; no existing action was changed")
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
        params = _cycle_params(cycle, params_file, overrides)
        contexts.append(run_context(params))  # the pseudonymisation key found and fit for the data
    for folder in sorted({c.data_dir for c in contexts}):
        evidence = load_evidence(folder)
        check_key(folder)  # the key file not readable by others, as a run would need it
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
        # the publish gate fails every report when the run's own files (index, manifest) are withheld,
        # though their pages were published: those are not named as failed reports
        why = {o.framework: str((o.error or {}).get("evalue", "")) for o in summary.outcomes if o.status != "ok"}
        run_wide = {w for w in why.values() if w.startswith(RUN_FILES_WITHHELD)}
        failed = [name for name, w in why.items() if not w.startswith(RUN_FILES_WITHHELD)]
        print(f"Reports for {summary.cycle}: {summary.output_dir / 'index.html'}")
        if failed:
            print(f"  FAILED: {', '.join(failed)} (see their failure pages)", file=sys.stderr)
            status = EXIT_FAILED
        for withheld in sorted(run_wide):
            print(f"  FAILED: the run's index or manifest was withheld ({withheld.removeprefix(RUN_FILES_WITHHELD)}); "
                  "each report's own status is in manifest.json", file=sys.stderr)
            status = EXIT_FAILED
    return status


def _cmd_validate(args: argparse.Namespace) -> int:
    from review.data.evidence_map import coverage_lines
    from review.protection.text_screen import learning_findings

    problems = 0
    for path in args.paths:
        try:
            if resolve(path).is_dir():
                evidence = load_evidence(path)
                audits = evidence.tables.get("audits")
                n = 0 if audits is None else len(audits)
                key = check_key(resolve(path))  # a run would need it: checked now, not when the run starts
                print(f"{path}: valid ({len(evidence.tables)} files, {n} audits, cycles {', '.join(evidence.cycles)}; "
                      f"key: {key})")
                print("Evidence map (each framework item and the evidence that tests it):")
                print("\n".join(coverage_lines(evidence.map, present=evidence.tables)))
                withheld = learning_findings(evidence)
                if withheld:
                    print(f"Free text withheld from publication ({len(withheld)} cells: the screen found what may "
                          "identify a person; shown masked, for internal review):")
                    print("\n".join(f"  {f.file}, row {f.row}, column '{f.column}': {', '.join(f.kinds)}: {f.masked}"
                                    for f in withheld))
            else:
                params = load_cycle_params(path)
                key = check_key(resolve(params.common["data_dir"]))
                print(f"{path}: valid (cycle {params.cycle}; key: {key})")
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


def _one_cycle(spec: str) -> str:
    cycles = expand_cycles([spec])
    if len(cycles) != 1:
        raise ParameterError(f"`--cycle` names one cycle here; got the range {spec!r}")
    return cycles[0]


def _cycle_params(cycle: str, params_file: str | Path | None, overrides: dict[str, Any] | None = None) -> CycleParams:
    """The params file of ``cycle`` (``--params``, default ``params/<cycle>.yaml``), refused when it is
    another cycle's."""
    params = load_cycle_params(params_file or default_params_path(cycle), overrides=overrides)
    if params.cycle != cycle:
        raise ParameterError(f"the params file is for cycle {params.cycle}, not {cycle}", params.source)
    return params


def _data_folder(cycle: str, params: str | None, data: str | Path | None, option: str = "--data") -> str:
    """The data folder of a command that reads a cycle's evidence: ``--data`` (or ``--into``), else the
    params file's (``--params``, default ``params/<cycle>.yaml``)."""
    if data is not None and params is not None:
        raise ParameterError(f"give {option} or --params, not both")
    if data is not None:
        return str(data)
    path = params or default_params_path(cycle)
    if params is None and not Path(path).is_file():
        raise ParameterError(f"no params file for cycle {cycle} ({path}): give --params FILE or {option} FOLDER")
    return str(_cycle_params(cycle, path).common["data_dir"])


def _named_folder(folder: str | None, params: str | None, cycle: str | None, option: str) -> str:
    """The data folder a command names: the folder option, else a params file's, else the cycle's params file's."""
    if folder is not None:
        return folder
    if params is not None:
        return str(load_cycle_params(params).common["data_dir"])
    if cycle is not None:
        return _data_folder(_one_cycle(cycle), None, None)
    raise ParameterError(f"say which data folder: {option} FOLDER, --params FILE or --cycle C")


def _cmd_sample(args: argparse.Namespace) -> int:
    from review.stats.sample_draw import draw_moderation

    cycle = _one_cycle(args.cycle)
    folder = _data_folder(cycle, args.params, args.data)
    evidence = load_evidence(folder, complete=False)
    frame = evidence.table("frame")
    frame = frame[frame["cycle"] == cycle]
    if frame.empty:
        raise ParameterError(f"the sampling frame in {folder} has no cases for cycle {cycle}")
    args.audit_type = _audit_type(args.audit_type, evidence, moderation=args.moderation)
    if args.moderation:
        audits = evidence.table("audits")
        draw = draw_moderation(audits, staff=evidence.table("staff"), cycle=cycle, rng=args.seed, share=args.share,
                               moderators=_moderators(args.moderator), audit_type=args.audit_type)
        workers = dict(zip(frame["case_ref"], frame["allocated_worker"], strict=True))
        draw.selected["allocated_worker"] = draw.selected["case_ref"].map(workers)
        what = f"{len(draw.selected)} audits drawn for moderation from the cycle's first audits"
    else:
        draw = draw_sample(frame, staff=evidence.table("staff"), programme=evidence.table("programme"),
                           as_of=cycle_bounds(cycle)[0], rng=args.seed, audit_type=args.audit_type,
                           audits=evidence.table("audits"))
        what = f"{len(draw.selected)} cases drawn from {len(frame)} open cases"
    counts = draw.selected.groupby("tier", sort=False).size()
    print(f"Cycle {cycle}, seed {args.seed}: {what} ({', '.join(f'{t} {n}' for t, n in counts.items())})")
    for line in draw.shortfalls:
        print(f"  unfilled: {line}")
    if args.dry_run:
        return EXIT_OK
    if args.out:
        if args.out.exists():
            raise ParameterError(f"`--out` {args.out} already exists; the allocation never overwrites a file")
        write_csv(draw.selected.sort_values(["tier", "auditor_id", "team", "case_ref"], kind="stable"), args.out)
        print(f"Allocation written to {args.out}")
    if args.forms:
        written = _write_forms(args, evidence, draw.selected, cycle)
        print(f"{len(written)} forms written to {args.forms} (one per auditor; listed in {args.forms / 'forms.csv'})")
    return EXIT_OK


def _audit_type(given: str | None, evidence: Any, *, moderation: bool) -> str:
    """The audit type a draw is for: ``--audit-type`` as the council names it, checked against what the
    draw reads (the programme's quotas, or the audits moderated); by default the audit type of kind
    ``case file`` (audit_types; without that file the kinds name themselves)."""
    declared = evidence.tables.get("audit_types")
    if given is None:
        if declared is None:
            given = "case file"
        else:
            case_file = [str(t) for t, k in zip(declared["audit_type"], declared["kind"], strict=True) if k == "case file"]
            if len(case_file) != 1:
                raise ParameterError(f"say which audit type to draw for with --audit-type: audit_types has "
                                     f"{len(case_file) or 'no'} audit type(s) of kind case file"
                                     + (f" ({', '.join(case_file)})" if case_file else ""))
            given = case_file[0]
    source = evidence.tables.get("audits") if moderation else evidence.tables.get("programme")
    known = [] if source is None else list(dict.fromkeys(str(t) for t in source["audit_type"]))
    if given not in known:
        where = "the audits file" if moderation else "the programme (quota per auditor)"
        raise ParameterError(f"`--audit-type` {given!r} is not in {where}{hint(given, known)}; audit types there: "
                             f"{', '.join(known) or 'none'}")
    return given


def _moderators(specs: list[str] | None) -> dict[str, str] | None:
    """``--moderator ATM=SM`` options as a mapping (None: the default pairs)."""
    from review.data.cells import parse_cell
    from review.data.schema import Column

    if not specs:
        return None
    out = {}
    for spec in specs:
        parts = spec.split("=")
        tiers = [parse_cell(p, Column("tier", "tier")) for p in parts]
        if len(parts) != 2 or any(problem for _, problem in tiers):
            raise ParameterError(f"`--moderator` is written JUNIOR=SENIOR with two tiers, e.g. ATM=SM; got {spec!r}")
        out[str(tiers[0][0])] = str(tiers[1][0])
    return out


def _write_forms(args: argparse.Namespace, evidence: Any, selected: Any, cycle: str) -> list[Path]:
    import datetime as dt

    from review.forms.write import applicable_criteria, build_forms, write_forms

    audits = evidence.table("audits")
    scale_id = args.grade_scale
    if scale_id is None:
        used = audits.loc[audits["audit_type"] == args.audit_type, "grade_scale"].value_counts()
        if used.empty:
            raise ParameterError(f"no earlier {args.audit_type} audits say which grade scale the overall grade uses: "
                                 f"give --grade-scale (scales: {', '.join(evidence.scales)})")
        scale_id = str(used.index[0])
    if scale_id not in evidence.scales:
        raise ParameterError(f"`--grade-scale` {scale_id!r} is not in grade_scales; scales are: "
                             f"{', '.join(evidence.scales)}")
    criteria = applicable_criteria(evidence.table("criteria"), evidence.scales, args.audit_type)
    due = args.due or cycle_bounds(cycle)[1]
    forms = build_forms(selected, kind="moderation" if args.moderation else "audit", cycle=cycle,
                        audit_type=args.audit_type, grade_scale=evidence.scales[scale_id], criteria=criteria, due=due)
    return write_forms(forms, args.forms, drawn=f"seed {args.seed}, {dt.date.today().isoformat()}")


def _cmd_collect(args: argparse.Namespace) -> int:
    from review.forms.collect import merge_audits, read_forms

    cycle = _one_cycle(args.cycle)
    folder = _data_folder(cycle, args.params, args.into, option="--into")
    reference = load_evidence(folder, complete=False)
    declared = {str(r["criterion"]): str(r["scale_id"]) for _, r in reference.table("criteria").iterrows()}
    collected = read_forms(args.forms, cycle=cycle, scales=reference.scales, criteria=declared)
    outcome = merge_audits(collected.rows, resolve(folder), force=args.force, criteria=tuple(declared),
                           check=lambda: load_evidence(folder, complete=False))  # invalid: put back, exit 2
    print(f"{len(collected.rows)} audits on {collected.forms} forms: {outcome.added} added to {outcome.path}, "
          f"{outcome.unchanged} already there" + (f", {outcome.replaced} replaced" if outcome.replaced else ""))
    if collected.pending:
        print("Not yet returned, by auditor:")
        for line in collected.pending:
            print(f"  {line}")
    print(f"{folder}: valid")
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
    os.execve(command[0], command, lab_environment(project_root()))
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
    data = resolve(args.data or (common["data_dir"] if params_file else "data/demo"))
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


def _cmd_init(args: argparse.Namespace) -> int:
    from review.data.templates import write_templates

    cycle = _one_cycle(args.cycle) if args.cycle else None
    written = write_templates(args.folder, cycle=cycle)
    print(f"{len(written)} files written to {args.folder}: templates for every dataset (templates/csv, "
          f"templates/xlsx), data/ for the filled files, params.yaml; the steps are in {args.folder / 'README.txt'}")
    return EXIT_OK


def _cmd_key(args: argparse.Namespace) -> int:
    from review.protection.keys import new_key_file
    from review.protection.pseudonym import KEY_FILE_ENV

    path = new_key_file(args.file)
    print(f"New key written to {path} (readable by you only). Keep it outside the repository, back it up "
          f"safely, and use it with: export {KEY_FILE_ENV}={path.resolve()}")
    return EXIT_OK


def _cmd_reveal(args: argparse.Namespace) -> int:
    from review.protection.keys import ACCESS_LOG, log_access, parse_pseudonym, reveal

    parse_pseudonym(args.pseudonym)  # before the evidence is read
    folder = _named_folder(args.data, args.params, args.cycle, "--data")
    key, _ = resolve_key(resolve(folder))
    found = reveal(args.pseudonym, load_evidence(folder, complete=False), key)
    log = args.log or resolve(folder) / ACCESS_LOG
    log_access(log, found, str(folder))
    if found.reference is None:
        print(f"{found.pseudonym}: no reference in {folder} has this pseudonym under this key (use logged in {log})")
        return EXIT_FAILED
    print(f"{found.pseudonym} is {found.reference!r} ({', '.join(found.fields)}). Internal use only: this use is "
          f"logged in {log}")
    return EXIT_OK


def _cmd_pack(args: argparse.Namespace) -> int:
    """``review pack --cycle C``: the cycle's board pack (review.batch.pack), exit 2 when it cannot be made."""
    from review.batch.pack import build_pack

    cycle = _one_cycle(args.cycle)
    params = _cycle_params(cycle, args.params, {"audience": args.audience} if args.audience else {})
    written = build_pack(run_context(params), output_root=args.output_root, browser=args.browser)
    print(f"Board pack for {cycle} ({params.common['audience']} audience, {written.pages} A4 pages): {written.path}")
    return EXIT_OK


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
    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["lab"] and not {"-h", "--help"} & set(raw[1:]):  # JupyterLab's options pass through as given
        args = argparse.Namespace(command="lab", extra=[a for a in raw[1:] if a != "--"])
    else:
        args = parser.parse_args(raw)
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    _from_here(args)
    handlers = {"run": _cmd_run, "validate": _cmd_validate, "frameworks": _cmd_frameworks,
                "demo-data": _cmd_demo_data, "sample": _cmd_sample, "refresh-notebooks": _cmd_refresh,
                "check-report": _cmd_check_report, "clean-notebooks": _cmd_clean_notebooks,
                "lab": _cmd_lab, "actions": _cmd_actions, "collect": _cmd_collect, "key": _cmd_key,
                "reveal": _cmd_reveal, "init": _cmd_init, "pack": _cmd_pack}
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


def _given(path: Any) -> Any:
    """A path typed on the command line, read from the current folder when it is there; else as it was
    (a project-relative path such as ``data/demo``, resolved from the project root)."""
    if path is None or Path(path).expanduser().is_absolute():
        return path
    here = Path.cwd() / Path(path).expanduser()
    if not here.exists() or here.resolve() == resolve(path).resolve():  # as typed where both readings agree
        return path
    return type(path)(here)


def _from_here(args: argparse.Namespace) -> None:
    """Every params file and data folder named on the command line, from the current folder first
    (`review validate params.yaml data` in a council's own folder), else from the project root."""
    for name in ("params", "data", "into"):
        if getattr(args, name, None) is not None:
            setattr(args, name, _given(getattr(args, name)))
    if args.command == "validate":
        args.paths = [_given(p) for p in args.paths]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _terminate_as_interrupt() -> Any:
    """SIGTERM ends a command like Ctrl-C: clean-up runs, workers and kernels are stopped."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
