"""The registry of review frameworks: one notebook each, with its own parameters.

Adding a framework means adding its notebook under ``notebooks/`` and an entry here (the batch
submits notebooks in this order, so the longest, the GOSE framework, comes first);
tests check that every entry's notebook exists and that its parameters cell declares
exactly the common parameters plus the framework's own, with the same defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.config.declarations import Param

__all__ = ["FRAMEWORKS", "Framework"]


@dataclass(frozen=True)
class Framework:
    """One review framework.

    Attributes
    ----------
    name : str
        Identifier used in params files, output file names and ``--framework``.
    title : str
        Human title, used in the report's ``<title>`` and the cycle index.
    notebook : str
        File name under ``notebooks/``.
    purpose : str
        One sentence for the index page and ``review frameworks``.
    params : tuple of Param
        Parameters of this framework beyond the common ones.
    after_others : bool
        Whether the notebook reads the other frameworks' results and so runs last.
    results_param : str, optional
        The parameter through which the batch hands such a notebook the folder of the other
        frameworks' results (its staging folder); it is not recorded in the manifest.
    """

    name: str
    title: str
    notebook: str
    purpose: str
    params: tuple[Param, ...] = ()
    after_others: bool = False
    results_param: str | None = None

    def __post_init__(self) -> None:
        names = [p.name for p in self.params]
        problems = [f"`below={p.below!r}` names no parameter of the framework"
                    for p in self.params if p.below is not None and p.below not in names]
        if self.results_param is not None and (self.results_param not in names or not self.after_others):
            problems.append(f"`results_param={self.results_param!r}` must name one of its parameters "
                            "and the framework must run after the others")
        if problems:
            msg = f"Framework {self.name!r}: {'; '.join(problems)}"
            raise ValueError(msg)


FRAMEWORKS: dict[str, Framework] = {
    fw.name: fw
    for fw in (
        Framework(
            name="gose_performance",
            title="GOSE children's social care performance management framework",
            notebook="gose_performance.ipynb",
            purpose="Every return of the framework, the case-file audit programme by tier with moderation and "
            "precision, supervision and IRO audits, complaints, NI 59-68, workforce and spend.",
            params=(
                Param("rag_green", "probability", 0.8, "a rate is green when its measured level is at least this"),
                Param("rag_red", "probability", 0.65, "a rate is red when its measured level is below this",
                      below="rag_green"),
            ),
        ),
        Framework(
            name="jar_haringey",
            title="JAR Haringey 2008 findings: stocktake",
            notebook="jar_haringey.ipynb",
            purpose="The 11 findings (the 11th from the DCSF summary): triangulated evidence on each, a "
            "red/amber/green judgement with its uncertainty, and the change since last quarter.",
            params=(
                Param("rag_green", "probability", 0.8, "a finding is green when its measured level is at least this"),
                Param("rag_red", "probability", 0.65, "a finding is red when its measured level is below this",
                      below="rag_green"),
            ),
        ),
        Framework(
            name="healthcare_commission",
            title="Healthcare Commission review: the 7 headline issues",
            notebook="healthcare_commission.ipynb",
            purpose="The 7 headline issues and the Designated Nurse's lead role: health agencies' self-ratings "
            "beside their own audits, training and staffing, and a judgement per issue (each agency rates only "
            "itself, so no agreement coefficient applies).",
            params=(
                Param("rag_green", "probability", 0.8, "an item is green when its measured level is at least this"),
                Param("rag_red", "probability", 0.65, "an item is red when its measured level is below this",
                      below="rag_green"),
            ),
        ),
        Framework(
            name="lscb_checklist",
            title="GOSE LSCB quality assurance checklist",
            notebook="lscb_checklist.ipynb",
            purpose="Every area and quality-assurance sub-item of the checklist: member agencies' ratings, each from "
            "its own part in the board's arrangements (a spread of self-ratings, with no agreement coefficient), "
            "beside the LSCB's own records and audits, and a judgement per item.",
            params=(
                Param("rag_green", "probability", 0.8, "an item is green when its measured level is at least this"),
                Param("rag_red", "probability", 0.65, "an item is red when its measured level is below this",
                      below="rag_green"),
            ),
        ),
        Framework(
            name="governance",
            title="Social care governance exercise",
            notebook="governance.ipynb",
            purpose="The exercise's two axes (roles and responsibilities; communication flow) as area managers' "
            "0-10 scores, their agreement, and the context the exercise was set in (with the workbook's questions for "
            "discussion).",
            params=(
                Param("rag_green", "probability", 0.8, "an item is green when its measured level is at least this"),
                Param("rag_red", "probability", 0.65, "an item is red when its measured level is below this",
                      below="rag_green"),
            ),
        ),
        Framework(
            name="cycle_summary",
            title="Cycle summary",
            notebook="cycle_summary.ipynb",
            purpose="One page across every framework: red/amber/green counts, items needing action, changes "
            "beyond chance, and whether every report is in.",
            params=(
                Param(
                    "results_dir",
                    "str",
                    "",
                    "folder holding the frameworks' results JSON; empty means the last batch run's, "
                    "or in `review lab` the session's",
                ),
                Param(
                    "params_file",
                    "str",
                    "",
                    "the run's params file, whose report: section (author, approver, date, version) the key "
                    "messages print; empty means params/<cycle>.yaml",
                ),
            ),
            after_others=True,
            results_param="results_dir",
        ),
    )
}
