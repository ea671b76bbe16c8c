"""The demo council's learning from audits: themes, auditors' narratives, and planted identifiers.

Drawn from a random stream of its own (``seed + 32``), after every other demo draw, so adding it left
every other file of the demo byte-identical. The demo council started recording audit learning in
its second quarter, on more of its audits each quarter. The themes an auditor records follow what
the audit found: a criterion answered "No" is most often written up as a concern under its theme, a
file graded Good or better more often yields strengths, an Inadequate one more concerns.

Narratives are typed as auditors type them: abbreviations (SW, TM, CP, LAC, mum), lower-case
starts, a missing full stop, the odd slip of spelling. A few carry **planted identifiers** (a name,
a date of birth, a postcode, a phone number, an NHS number, a case reference) that the screen
(:mod:`review.protection.text_screen`) must catch; :func:`learning_rows` returns where each one
is, and the demo lists them in ``ground_truth.json``.

:func:`labelled_narratives` writes a separate synthetic set with every identifier labelled by
its span, on which the screen's recall and precision are measured (``docs/audit_learning.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from review.data.schema import DEFAULT_THEMES

__all__ = ["LEARNING_STREAM", "THEME_INDICATORS", "Labelled", "labelled_narratives", "learning_rows", "theme_rows"]

LEARNING_STREAM = 32
"""Offset of the learning's random stream from the demo seed."""

FIRST_LEARNING_CYCLE_INDEX = 1
"""The demo council records learning from its second quarter on."""
UPTAKE = (0.0, 0.45, 0.7, 0.9)
"""Share of the quarter's audits with learning recorded, quarter by quarter."""

THEME_INDICATORS = {
    "risk analysis": "NI59; NI60; NI65",
    "timeliness": "NI59; NI60; NI66; NI67",
    "planning": "NI64; NI65; NI67",
    "child's voice": "NI66",
    "multi-agency working": "NI68",
    "outcomes for the child": "NI62; NI63",
    "permanence": "NI61; NI63",
}
"""The demo's declaration of the indicators each theme speaks to (``themes.indicators``)."""

DEMO_EXTRA_THEMES = (
    ("permanence", "The plan secures a permanent, stable home for the child without delay: return home, "
     "kinship care, special guardianship, adoption or long-term fostering."),
)
"""Themes the demo council adds to the default list."""

CRITERION_THEME = {
    "childs_voice": "child's voice", "child_seen_alone": "child's voice", "risk_identified": "risk analysis",
    "cp_plan_quality": "planning", "management_oversight": "management oversight",
    "records_up_to_date": "recording", "reflective_supervision": "supervision", "actions_followed_up": "supervision",
    "child_participation": "child's voice", "plan_reviewed_in_timescale": "timeliness",
    "concerns_shared": "multi-agency working", "health_records_complete": "recording",
    "police_information_shared": "multi-agency working", "cp_plan_outcomes": "planning",
    "cp_plan_contingency": "planning",
}
"""The theme an auditor writes a criterion's finding up under (the demo's own criteria)."""

OTHER_THEMES = ("multi-agency working", "timeliness", "working with families", "outcomes for the child",
                "permanence")

# Phrase banks: (strength fragments, concern fragments) per theme, typed as auditors type.
PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "management oversight": (
        ("Clear management oversight on file, TM decisions recorded with reasons",
         "good evidence of TM direction at key points & this was followed through",
         "Management oversight is evident and timely - case discussed in supervision and actions set",
         "SM oversight of the step down decision was clear and well reasoned"),
        ("No evidence of management oversight since the strategy discussion",
         "TM sign off on the assessment but no rationale for the decision recorded",
         "management direction not recorded for over 3 months, drift not picked up",
         "Decision to close was not endorsed by a manager",
         "Oversight recorded as 'discussed' only - no direction on what should happen next")),
    "supervision": (
        ("Supervision notes are reflective and consider the child's lived experience",
         "supervision is regular and actions are followed up at the next session",
         "Reflective discussion of risk in supervision, hypotheses tested"),
        ("Supervision is task focused - no reflection on risk or on the child",
         "actions from last supervision not followed up",
         "Gaps in supervision of over 8 weeks during a period of escalating concern",
         "supervision record is a list of tasks, analysis absent")),
    "child's voice": (
        ("Child seen alone on each visit and views recorded in their own words",
         "The childs wishes and feelings are clear and have shaped the plan",
         "Lovely direct work - the child's views captured through drawings and used in the plan",
         "YP's views were sought before the review and she chaired part of it"),
        ("Child not seen alone and no reason recorded",
         "childs views not sought, voice of the child absent from the assessment",
         "The child was seen but the record says nothing of what they said or how they presented",
         "no direct work with the child since allocation",
         "YP's views recorded but not reflected in the plan")),
    "risk analysis": (
        ("Assessment analyses risk well & takes account of history",
         "Good use of chronology to identify the pattern of neglect",
         "Risks and strengths clearly weighed, analysis leads to the recommendation"),
        ("Assessment is descriptive, risk not analysed",
         "previous referrals not considered - history of DV missed",
         "Risk to the younger sibling not identified",
         "The assessment lists concerns but does not say what they mean for the child",
         "cumulative harm not recognised despite 5 referrals in 12 months")),
    "multi-agency working": (
        ("Good information sharing between school, health and SW",
         "Core group well attended and partners clear about their role",
         "Police and health shared information promptly at the strategy discussion"),
        ("Health visitor not invited to the strategy discussion",
         "school not informed of the CP plan",
         "No evidence of checks with the GP or police",
         "partners' reports not received before conference and no follow up")),
    "planning": (
        ("Plan is SMART and understood by the family",
         "The plan says what needs to change, who will do it and by when",
         "Contingency clear and progress reviewed at each core group"),
        ("Plan is a list of services, not outcomes for the child",
         "no contingency in the CP plan",
         "Plan not updated after the review conference",
         "Actions in the plan have no timescales and nobody named as responsible",
         "plan drifts, same actions carried over from 3 core groups")),
    "recording": (
        ("Records up to date and chronology current",
         "Case recording is clear, concise and child focused",
         "Case summary is up to date and explains decisions"),
        ("Chronology not updated since March",
         "case notes not typed up for several weeks",
         "Recording is very brief - hard to follow why decisions were made",
         "visits recorded in the wrong case, corrected after audit",
         "No case summary on file")),
    "timeliness": (
        ("Visits within timescale throughout",
         "Assessment completed within timescale and conference held on time"),
        ("Initial assessment out of timescale with no reason recorded",
         "statutory visits late on two occasions",
         "Review conference held 3 weeks late",
         "delay in convening the strategy discussion")),
    "working with families": (
        ("Mum engaged well and understands the concerns",
         "Good work with dad, who had previously been excluded",
         "Parents are clear about what is expected of them"),
        ("Father not assessed despite being involved with the children",
         "mum's partner not assessed",
         "Parents do not know what they need to change",
         "family's first language not considered, no interpreter used")),
    "outcomes for the child": (
        ("Clear improvement for the child - attendance up and more settled at home",
         "Child now safe and thriving in placement",
         "The work has made a real difference to the children"),
        ("No evidence the children's circumstances have improved",
         "Outcomes for the child unclear",
         "Child remains exposed to DV, little change in 6 months")),
    "permanence": (
        ("Permanence plan agreed at the second review and being progressed",
         "SGO assessment completed in good time"),
        ("no permanence plan at the 4 month review",
         "Drift in permanence planning, care proceedings delayed")),
}

DIFFERENCE = {
    "management oversight": ("Management oversight at the point of the second referral",
                             "a manager reviewing the case when drift first showed"),
    "supervision": ("Reflective supervision that looked at the risks to the child",),
    "child's voice": ("Seeing the child alone on every visit", "direct work with the child before the conference"),
    "risk analysis": ("Analysis of the history rather than a description of it",
                      "an earlier strategy discussion with police and health"),
    "multi-agency working": ("An earlier strategy discussion with police and health",
                             "Challenge to the school about attendance"),
    "planning": ("A SMART plan with a contingency", "timely core groups"),
    "recording": ("an up to date chronology",),
    "timeliness": ("timely core groups", "Holding the review conference on time"),
    "working with families": ("Assessing dad", "An interpreter for mum at every meeting"),
    "outcomes for the child": ("A consistent SW - the child has had 4 since allocation",),
    "permanence": ("A permanence plan at the second review",),
}
"""What would have made the biggest difference, by the theme of the audit's first concern."""
NO_DIFFERENCE = ("Nothing, this was good work", "nothing further - good practice throughout", "N/A - good outcome")

VOICE = (
    "Child said she feels safe at home now",
    "YP told IRO he wants to stay with his foster carers",
    "Child said they worry about mum when she drinks",
    "Not recorded",
    "Child too young to express a view; observations of the child with mum recorded",
    "he said he does not like it when dad shouts",
    "YP wants more contact with siblings",
    "child said school is 'the best bit' of her week",
    "She said nobody listens to her",
    "Not seen alone so views not known",
    "child drew a picture of home, happy faces",
    "Young person says he wants his SW to stay the same",
)

SLIPS = (("recieved", "received"), ("seperate", "separate"), ("occured", "occurred"), ("untill", "until"),
         ("enviroment", "environment"))
"""(slip, word): a few misspellings auditors make; the word is swapped for its slip now and then."""


@dataclass(frozen=True)
class Planted:
    """An identifier planted in the demo's narratives: its kind and the text planted."""

    kind: str
    text: str
    sentence: str


PLANTED = (
    Planted("name", "Kayleigh Morrison", "Kayleigh Morrison (mum's sister) was not spoken to"),
    Planted("date of birth", "14/03/2003", "YP (DOB 14/03/2003) not seen alone"),
    Planted("postcode", "N17 6RA", "Family moved to N17 6RA and the new school was not told"),
    Planted("phone number", "07700 900461", "grandmother's number 07700 900461 not on the contact sheet"),
    Planted("NHS number", "943 476 5919", "health record under NHS no 943 476 5919 not linked"),
    Planted("case reference", "C100234", "sibling's file C100234 holds the earlier referral"),
    Planted("name", "Darren", "mum's partner Darren was not assessed"),
    Planted("address", "14 Elm Road", "Visits at 14 Elm Road were not recorded"),
)
"""The demo's planted identifiers, each in a sentence an auditor might write."""


def theme_rows() -> list[dict[str, str]]:
    """The demo's ``themes`` file: the default list, one theme added, and the indicators each speaks to."""
    return [{"theme": name, "definition": definition, "indicators": THEME_INDICATORS.get(name, "")}
            for name, definition in (*DEFAULT_THEMES, *DEMO_EXTRA_THEMES)]


def _typed(rng: np.random.Generator, text: str, *, keep: str = "") -> str:
    """A fragment as an auditor types it: sometimes lower-case, sometimes no full stop, a slip now and then
    (``keep``: a part left as written)."""
    if rng.random() < 0.25 and not text[:2].isupper() and not (keep and text.startswith(keep)):
        text = text[0].lower() + text[1:]
    if rng.random() < 0.1:
        for slip, word in SLIPS:
            if word in text:
                text = text.replace(word, slip, 1)
                break
    return text + ("" if rng.random() < 0.2 else ".")


def _narrative(rng: np.random.Generator, theme: str, concern: bool, planted: Planted | None = None) -> str:
    bank = PHRASES[theme][1 if concern else 0]
    picks = rng.choice(len(bank), size=int(min(len(bank), 1 + (rng.random() < 0.45))), replace=False)
    parts = [_typed(rng, bank[int(i)]) for i in picks]
    if planted is not None:
        parts.insert(int(rng.integers(0, len(parts) + 1)), _typed(rng, planted.sentence, keep=planted.text))
    return ("  " if rng.random() < 0.1 else " ").join(parts)


def _themes_of(rng: np.random.Generator, row: dict, good: bool, worst: bool) -> list[tuple[str, bool]]:
    """The themes an auditor records on one audit, each a strength (False) or a concern (True)."""
    found: dict[str, bool] = {}
    for criterion, theme in CRITERION_THEME.items():
        answer = row.get(criterion)
        if answer == "No" and rng.random() < 0.7:
            found[theme] = True
        elif answer == "Yes" and theme not in found and rng.random() < (0.3 if good else 0.08):
            found[theme] = False
    others = OTHER_THEMES if row.get("audit_type") in ("case file", "CP conference", "LAC review") else ()
    for theme in others:
        if theme not in found and rng.random() < 0.12:
            found[theme] = bool(rng.random() < (0.75 if worst else 0.2 if good else 0.45))
    if not found:
        found["outcomes for the child" if good else "planning"] = not good
    chosen = list(found.items())
    rng.shuffle(chosen)
    concerns_first = sorted(chosen, key=lambda kv: not kv[1]) if worst else chosen
    return concerns_first[:3]


def learning_rows(rng: np.random.Generator, audit_rows: list[dict], cycles: tuple[str, ...],
                  good_labels: set[str], worst_labels: set[str]) -> tuple[list[dict], list[dict]]:
    """The demo's ``audit_learning`` rows and where each planted identifier sits.

    Parameters
    ----------
    rng : numpy.random.Generator
        The learning's own stream.
    audit_rows : list of dict
        Every audit of the demo, as written to ``audits.csv``.
    cycles : tuple of str
        The demo's cycles, in order.
    good_labels, worst_labels : set of str
        Grades that count as Good or better, and the worst rated grades.

    Returns
    -------
    rows : list of dict
    planted : list of dict
        For each planted identifier: the row of ``audit_learning.csv`` (as seen in the file, the
        header being row 1), the column, its kind and the text planted.
    """
    index = {c: i for i, c in enumerate(cycles)}
    rows: list[dict] = []
    todo = list(PLANTED)
    planted: list[dict] = []
    for audit in audit_rows:
        k = index.get(audit["cycle"], 0)
        if k < FIRST_LEARNING_CYCLE_INDEX or rng.random() >= UPTAKE[min(k, len(UPTAKE) - 1)]:
            continue
        grade = audit["overall_grade"]
        themes = _themes_of(rng, audit, grade in good_labels, grade in worst_labels)
        for position, (theme, concern) in enumerate(themes):
            plant = todo.pop(0) if todo and concern and k == len(cycles) - 1 and rng.random() < 0.05 else None
            row = {"audit_id": audit["audit_id"], "theme": theme, "strength_or_concern": "concern" if concern else
                   "strength", "narrative": _narrative(rng, theme, concern, plant),
                   "biggest_difference": None, "voice_of_the_child": None}
            if position == 0:
                concerns = [t for t, c in themes if c]
                bank = DIFFERENCE[concerns[0]] if concerns else NO_DIFFERENCE
                row["biggest_difference"] = _typed(rng, bank[int(rng.integers(len(bank)))])
                row["voice_of_the_child"] = _typed(rng, VOICE[int(rng.integers(len(VOICE)))])
            rows.append(row)
            if plant is not None:
                planted.append({"row": len(rows) + 1, "column": "narrative", "kind": plant.kind, "text": plant.text})
    return rows, planted


# --- a labelled synthetic set for measuring the screen ---------------------------------------------

FIRST_NAMES = ("Jade", "Tyler", "Leah", "Kieran", "Chloe", "Jordan", "Aaliyah", "Mason", "Shannon", "Reece",
               "Demi", "Callum", "Precious", "Kwame", "Fatima", "Bilal", "Oliwia", "Jakub", "Amira", "Tiago",
               "Courtney", "Brandon", "Keeley", "Dylan", "Ellie-May", "Riley", "Nevaeh", "Kai", "Zainab", "Emre")
"""Children's and adults' first names used in the labelled set (not the screen's own list: the set
measures the screen on names it was not built from)."""
SURNAMES = ("Okafor", "Kowalski", "Hughes", "Begum", "Pritchard", "O'Neill", "Mensah", "Yilmaz", "Doherty",
            "Kaur", "Fletcher", "Ahmed", "Nowak", "Campbell", "Osei", "Turner")
STREETS = ("Elm Road", "Station Lane", "Church Street", "Park Avenue", "Victoria Close", "Meadow Way",
           "Kings Crescent", "Mill Lane", "Broadwater Drive", "Albert Terrace")
RELATIONS = ("mum", "dad", "mum's partner", "nan", "uncle", "step-dad", "aunt", "grandad", "older brother",
             "foster carer", "the childminder", "neighbour")


@dataclass(frozen=True)
class Labelled:
    """A synthetic narrative and the identifiers in it.

    Attributes
    ----------
    text : str
    spans : tuple of (int, int, str)
        Each identifier's start, end and kind (``name``, ``date``, ``postcode``, ``address``,
        ``phone``, ``nhs``, ``reference``).
    """

    text: str
    spans: tuple[tuple[int, int, str], ...]


def _nhs(rng: np.random.Generator) -> str:
    """A 10-digit number that passes the NHS number's modulus 11 check, written 3-3-4."""
    while True:
        digits = [int(d) for d in rng.integers(0, 10, size=9)]
        digits[0] = int(rng.integers(4, 8))
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, [*digits, check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}" if rng.random() < 0.7 else s


HELD_OUT_FORMS = {
    "name": ("{} is the baby's father", "worker did not speak to {} (mum's friend)", "family friend {} gives lifts",
             "school says {} is often late", "her boyfriend, {}, has convictions", "{}'s attendance is 85%",
             "home visit with {} and mum", "no checks on {}"),
    "date": ("incident on {}", "{} - strategy meeting", "d.o.b {}", "last seen {}", "child born on {}"),
    "postcode": ("temporary address in {}", "{} is out of area", "postcode {} not updated"),
    "address": ("now living at {}", "{} is her nan's", "placed at {}"),
    "phone": ("tel {}", "mob: {}", "{} (dad)"),
    "nhs": ("NHS {}", "nhs number: {}", "{} on the health record"),
    "reference": ("ref {}", "case no. {}", "{} closed in 2008", "see {}"),
}
"""Sentence forms written after the screen's rules, and never used to develop them: scores on these
measure the rules on forms they were not built from (``docs/audit_learning.md``, first round)."""
HELD_OUT_FORMS_2 = {
    "name": ("chat with {} after school", "{} has a history of DV", "the referral came from {}",
             "contact supervised by {}", "{} refused entry to the SW", "cousin staying over - {} - not checked",
             "{} and the children are staying with friends", "worker phoned {}"),
    "date": ("{} - ICPC", "conference held {}", "birthday {}", "start date {}", "injury noticed {}"),
    "postcode": ("lives near {}", "new address {}", "{} (nan's)"),
    "address": ("flat above the shop at {}", "at nan's, {}", "{} - emergency placement"),
    "phone": ("ring {}", "on {} after 5pm", "number given was {}"),
    "nhs": ("nhs no. {}", "health ref {}", "NHS: {}"),
    "reference": ("{} refers", "previous file {}", "case {} closed"),
}
"""A second set of held-out forms, written after the rules were changed on seeing the first round's
misses, and never used to develop them (``docs/audit_learning.md``, second round)."""


def _identifier(rng: np.random.Generator, held_out: int = 0) -> tuple[str, str, str]:
    """(kind, text, sentence with {} where the text goes) for one identifier."""
    forms: tuple[str, ...]
    kind = str(rng.choice(["name", "name", "name", "date", "postcode", "address", "phone", "nhs", "reference"]))
    if kind == "name":
        first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
        text = first if rng.random() < 0.5 else f"{first} {SURNAMES[int(rng.integers(len(SURNAMES)))]}"
        if rng.random() < 0.15:
            text = text.lower()
        relation = RELATIONS[int(rng.integers(len(RELATIONS)))]
        forms = (f"{relation} {{}} was not spoken to", f"{{}} ({relation}) has not been assessed",
                 "spoke to {} at school", "{} said she wants to go home", f"concerns about {relation} {{}}")
    elif kind == "date":
        day, month, year = int(rng.integers(1, 29)), int(rng.integers(1, 13)), int(rng.integers(1995, 2009))
        months = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
        text = str(rng.choice([f"{day:02d}/{month:02d}/{year}", f"{day} {months[month - 1]} {year}",
                               f"{day}.{month}.{str(year)[2:]}", f"{day}/{month}/{year}"]))
        forms = ("DOB {}", "born {}", "child (d.o.b. {}) not seen", "date of birth {} not on file")
    elif kind == "postcode":
        text = str(rng.choice(["N17 6RA", "E5 8QP", "NW10 4LR", "SE15 2BB", "M14 5TW", "B23 7HJ", "LS8 3AX",
                               "n15 4ed", "SW1A 1AA"]))
        forms = ("moved to {}", "family now at {} - not updated", "address ({}) wrong on the system")
    elif kind == "address":
        text = f"{int(rng.integers(1, 200))} {STREETS[int(rng.integers(len(STREETS)))]}"
        forms = ("visit at {} not recorded", "mum moved to {} in the summer", "home address {} not checked")
    elif kind == "phone":
        text = str(rng.choice([f"07700 {int(rng.integers(900000, 900999))}", f"020 7946 {int(rng.integers(1000, 9999))}",
                               f"0161 496 {int(rng.integers(1000, 9999))}", f"07700{int(rng.integers(900000, 900999))}",
                               f"+44 7700 {int(rng.integers(900000, 900999))}"]))
        forms = ("dad's mobile {} not on file", "call {} re contact", "nan's number is {}")
    elif kind == "nhs":
        text = _nhs(rng)
        forms = ("NHS no {} not linked", "health record {} held by GP", "NHS number {} recorded wrongly")
    else:
        text = str(rng.choice([f"C{int(rng.integers(100000, 199999))}", f"A{int(rng.integers(10000, 99999)):05d}",
                               f"CP/{int(rng.integers(2005, 2010))}/{int(rng.integers(100, 999))}",
                               f"ref {int(rng.integers(1000000, 9999999))}"]))
        forms = ("see case {}", "sibling's file {} holds the referral", "linked to {} in error")
    if held_out:
        forms = (HELD_OUT_FORMS, HELD_OUT_FORMS_2)[held_out - 1][kind]
    return kind, text, str(rng.choice(forms))


def labelled_narratives(n: int, seed: int, *, share_with_identifiers: float = 0.5,
                        held_out: int = 0) -> list[Labelled]:
    """``n`` synthetic narratives; about ``share_with_identifiers`` of them hold one or two identifiers.

    Built from the demo's phrase banks (so the clean text is as auditors write it) with identifiers
    drawn from lists the screen was not built from, each labelled by its span; ``held_out`` (1 or 2)
    puts them in sentence forms that were never used to develop the screen (:data:`HELD_OUT_FORMS`,
    :data:`HELD_OUT_FORMS_2`).

    >>> sets = labelled_narratives(20, 1)
    >>> len(sets), all(s.text[a:b] for s in sets for a, b, _ in s.spans)
    (20, True)
    """
    rng = np.random.default_rng(seed)
    themes = list(PHRASES)
    out = []
    for _ in range(n):
        theme = themes[int(rng.integers(len(themes)))]
        text = _narrative(rng, theme, bool(rng.random() < 0.6))
        spans: list[tuple[int, int, str]] = []
        if rng.random() < share_with_identifiers:
            for _ in range(1 + int(rng.random() < 0.3)):
                kind, ident, form = _identifier(rng, held_out)
                sentence = form.format(ident)
                at = sentence.index(ident)
                if at > 0 and rng.random() < 0.6:
                    sentence = sentence[0].upper() + sentence[1:]
                start = len(text) + 1 + at
                text = f"{text} {sentence}."
                spans.append((start, start + len(ident), kind))
        out.append(Labelled(text, tuple(spans)))
    return out
