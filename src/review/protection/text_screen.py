"""Screening free text for what identifies a person, before the text goes anywhere.

Auditors' narratives (``audit_learning``: ``narrative``, ``biggest_difference``, ``voice_of_the_child``)
are screened at load, before pseudonymisation, by rules of the workbook's own (chosen over Microsoft
Presidio on recall: ``docs/audit_learning.md``). A missed name on a published page is the worst
failure, so every rule leans to recall:

- **names**: any value the evidence holds that names a person, team, home or file (staff ids,
  allocated workers, team names, regulated services, case, audit and allegation references), whole
  words, any case; a first name of :data:`FIRST_NAMES`; a title (Mr, Mrs, Ms, Miss, Dr) and the word
  after it; a word after a relation (mum, dad, partner, nan, carer ...) that is not a common word;
  any capitalised word inside a sentence that is not a term of the field (:data:`FIELD_TERMS`); a word
  before a relation in brackets, before or after speech, or at a sentence's start before a verb of a
  person; a capitalised possessive; and the unknown word beside a name found (a surname);
- **dates**: any date with a day (``14/03/2003``, ``14.3.03``, ``2003-03-14``, ``14 March 2003``,
  ``March 14th``), and a month or year after "DOB", "d.o.b." or "born";
- **postcodes** (full UK postcodes) and **addresses** (a number and a street, or a capitalised
  street name; "Flat 3");
- **phone numbers**: 10 or 11 digits starting 0, or +44;
- **NHS numbers**: 10 digits passing the modulus 11 check (:func:`nhs_number_valid`);
- **references**: letters and three or more digits (``C100234``, ``A00021``, ``CP/2008/117``),
  "ref" and a number, and any other run of six or more digits.

A text with a finding is never published. Internally it is listed with its file, row and column
(:func:`screen_table`) and shown only with each finding masked (:func:`mask`).

Examples
--------
>>> screen = TextScreen.from_values(["TM03"])
>>> screen.mask("mum's partner Darren not assessed; TM03 to review. DOB 14/03/2003, N17 6RA")
"mum's partner [name] not assessed; [name] to review. DOB [date], [postcode]"
>>> screen.findings("Plan is SMART and understood by the family.")
()
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from review.data.load import Evidence
from review.data.schema import (
    AUDIT_FIELDS,
    CASE_FIELDS,
    LEARNING_TEXT,
    ORGANISATION_ROWS,
    PERSON_FIELDS,
)

__all__ = ["FIELD_TERMS", "FIRST_NAMES", "NAMING_FIELDS", "Finding", "TextFinding", "TextScreen", "known_values", "mask",
           "free_text_identifiers", "learning_findings", "nhs_number_valid", "screen_learning", "screen_table"]


def _words(text: str) -> list[str]:
    """The words of a list written as text, one or more a line."""
    return text.split()

FIRST_NAMES = frozenset(_words("""
aaron abbie abdul abigail adam adrian ahmed aidan aiden alan albert alex alexander alexandra alfie ali alice
alicia alison amanda amelia amy andrea andrew angela anna anne annie anthony archie arthur ashley aston ayesha
barbara barry becky ben benjamin beth bethany billy bradley brian bryony caitlin cameron carl carly caroline
casey catherine charlie charlotte cheryl chris christine christopher claire connor craig daisy dale daniel
danielle danny darren david dawn dean debbie deborah declan denise dennis derek diane donna dorothy duncan
ed edward eleanor elizabeth ella ellie emily emma eric erin ethan evie faye finley freddie freya gary gemma
george georgia gillian gordon graham hannah harley harrison harry hayley heather helen holly ian imogen isaac
isabel isabella isla jack jackie jacob james jamie jane janet jasmine jason jayden jeff jennifer jenny jessica
joanne joe joel john jonathan joseph josh joshua julia julie karen kate katie kayden kayla kayleigh keith kelly
kerry kevin kim kirsty kyle laura lauren lee leo leon lewis liam lily lisa logan louis louise lucy luke lydia
maisie marcus margaret maria marie mark martin mary matthew megan melissa michael michelle mohammed mohammad
molly muhammad natalie nathan neil nicola nicole noah oliver olivia oscar owen paige pamela patrick paul paula
peter phillip phoebe poppy rachel rebecca rhys richard robert robyn ronnie ruby ryan sam samantha samuel sarah
scarlett scott sean sharon shaun sienna simon sophie stacey stephen steven stuart susan tanya teresa thomas
tina toby tom tommy tony tracey tracy vanessa victoria wayne william zach zoe zara
"""))
"""First names the screen knows (lower case): common names in England of children and adults. A name
not listed is still found when capitalised inside a sentence or written after a relation."""

_AMBIGUOUS = frozenset({"will", "mark", "dawn", "joy", "faith", "grace", "hope", "may", "june", "rose", "ruby",
                        "amber", "bill", "sue", "pat", "rob", "frank", "jack", "dean", "guy", "ray", "sky",
                        "summer", "kim", "lee", "holly", "daisy", "poppy", "heather", "ed", "sam", "joe",
                        "billy", "carl", "drew", "chase", "miles", "art", "april", "august", "autumn", "king"})
"""Names that are also common words: matched only when capitalised."""

FIELD_TERMS = frozenset(_words("""
a an the and or but if of on in at to for from with without by as is was were be been has have had not no nor so
this that these those it its he she they them their his her him we our you your i me my who what when where why
how which while after before during since until about over under again also only just all any some each every
both more most less other such same than then there here very can could would should will may might must shall
do does did done yes n/a na tbc ok
child children child's childs young person people yp ypp cyp baby babies infant sibling siblings family families
mum mum's mother dad dad's father parent parents parental carer carers foster fostering kinship grandparent
grandparents nan grandad grandmother grandfather aunt uncle brother sister partner step stepfather stepmother
social worker workers sw sws manager managers tm atm sm ad dcs iro iros chair chairs qa lado police health
visitor visitors hv gp school schools nursery college education camhs nhs ofsted court courts cafcass hospital
midwife midwifery nurse named designated professional professionals agency agencies partner partners
probation yot housing dwp ldb lscb mash edt cin cp lac cla pwp plo sgo icpc rcpc ia ca caf tac tas core group
groups conference conferences review reviews strategy discussion discussions meeting meetings visit visits
assessment assessments initial plan plans planning protection care leaver leavers leaving pathway placement
placements permanence adoption contact section act order orders interim supervision supervisions audit audits
auditor auditors moderation moderator file files record records recording chronology genogram case cases note
notes summary report reports referral referrals referrer team teams service services early help support
safeguarding domestic abuse violence dv neglect emotional physical sexual cse cce exploitation missing substance
misuse alcohol drugs mental disability disabled autism adhd asd send ehcp pep lac pathway therapy therapist
signs safety smart rag good outstanding adequate inadequate requires improvement yes no
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec christmas easter summer
winter spring autumn half term holidays english british polish romanian somali turkish urdu arabic bengali
muslim christian interpreter lovely clear good great excellent poor weak strong no nothing none not
action actions risk risks contingency outcome outcomes oversight management decision decisions direction
evidence evident analysis analysed analyse history chronology current previous previously recent recently
concern concerns issue issues strength strengths need needs progress change changes drift delay delays
improvement improved improving impact difference work worked working practice practitioner practitioners
lived experience experiences views view wishes feelings voice voices direct drawings picture words
timescale timescales timely late early delayed quality standard standards consistent inconsistent
appropriate inappropriate positive negative limited little lack lacking absent missing gap gaps further
information sharing shared share communication communicated agreed agreement rationale reason reasons
reasoning recorded records noted note updated update uploaded typed signed sign endorsed authorised
completed complete incomplete ongoing open opened closed closure close step stepped escalation escalated
threshold thresholds legal proceedings public law letter letters invite invited attendance attended
engagement engaged engaging disengaged participation participated involvement involved consulted
consultation advice advised guidance training learning reflection reflective reflect discussed discussion
task tasks focused focus child-focused child-centred well settled safe safer safety unsafe harm harmful
cumulative pattern patterns repeated repeat second third several many few overall generally mostly
however although despite overall also therefore whilst though unless otherwise including including
accommodation home homes house housing school's nursery's health's police's worker's manager's iro's
child-in-need in-need looked-after looked after leaving-care pre-birth unborn newborn toddler teenager
teenagers adolescent adolescents boy boys girl girls son daughter daughters sons brothers sisters twins
mother's father's parents' carers' family's families' children's
first second third one two three four five six seven eight nine ten twelve weeks week months month years year
days day today yesterday tomorrow morning afternoon evening night weekend weekly monthly quarterly annual
"""))
"""Words of the field (lower case) that auditors capitalise and that name nobody: roles, agencies,
meetings, plans, abuse categories, days, months. A capitalised word inside a sentence that is not
one of them is taken as a name."""

_RELATIONS = ("mum", "mums", "mum's", "mother", "dad", "dads", "dad's", "father", "partner", "nan", "nanna",
              "gran", "granny", "grandad", "grandma", "grandmother", "grandfather", "aunt", "auntie", "uncle",
              "brother", "sister", "sibling", "cousin", "carer", "step-dad", "stepdad", "step-mum", "stepmum",
              "boyfriend", "girlfriend", "son", "daughter", "childminder", "neighbour", "friend", "called",
              "named", "worker", "teacher", "spoke to", "seen by")
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_STREET = (r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Way|Gardens|Gdns|Crescent|Cres|Court|"
           r"Place|Terrace|Grove|Hill|Park|Square|Sq|Walk|Rise|Mews|Row|Green|View|Estate|House|Tower|Towers)")
_STREET_LOWER = r"(?:road|rd|street|avenue|ave|lane|drive|gardens|gdns|crescent|terrace|grove|mews|square)"
"""Street words that name nothing else in a narrative, matched in any case after a house number."""

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", re.compile(r"(?<![\d/.-])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d|[/.-]\d)")),
    ("date", re.compile(r"(?<!\d)(?:19|20)\d\d-\d\d-\d\d(?!\d)")),
    ("date", re.compile(rf"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\b\.?(?:,?\s+(?:19|20)?\d\d\b)?")),
    ("date", re.compile(rf"(?i)\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d\d\b)?")),
    ("date", re.compile(rf"(?i)\b(?:dob|d\.o\.b\.?|date of birth|born(?: on| in)?)[\s:]*(?:{_MONTH}\s+)?(?:19|20)\d\d\b")),
    ("postcode", re.compile(r"(?i)\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b")),
    ("address", re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+(?:[A-Za-z][a-z'-]+\s+){{1,3}}(?i:{_STREET_LOWER})\b")),
    ("address", re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+(?:[A-Z][a-z'-]+\s+){{1,3}}{_STREET}\b")),
    ("address", re.compile(rf"\b(?:[A-Z][a-z'-]+\s+){{1,2}}{_STREET}\b")),
    ("address", re.compile(r"(?i)\bflat\s+\d+[a-z]?\b")),
    ("reference", re.compile(r"(?i)\b[A-Z]{1,4}[-/]?\d{3,}(?:[-/]\d+)*\b")),
    ("reference", re.compile(r"(?i)\b[A-Z]{1,4}/\d{2,4}/\d{2,6}\b")),
    ("reference", re.compile(r"(?i)\bref(?:erence)?\.?\s*(?:no\.?|number)?\s*:?\s*\d{3,}\b")),
)
_NUMBER_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d ()-]{4,18}\d(?!\w)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:]\s+|\n\s*|(?:^|\n)\s*[-*\u2022]\s+|\(\s*)$")
_NAME_FOLLOWS = re.compile(r"(?i)\s*(?:\(\s*(?:" + "|".join(re.escape(r) for r in _RELATIONS) + r")|"
                           r"(?:said|says|told|tells|reported|reports|wants|wanted|stated|states|disclosed|"
                           r"explained|shared|asked|is|was|has|had|and|\(|,))\b")
"""What follows a name at the start of a sentence: a relation in brackets ("Keeley (aunt)"), speech
("Kwame said"), or a verb or bracket of a person ("Reece was", "Amira (13)")."""
_RELATION_WORDS = frozenset(w for r in _RELATIONS for w in r.replace("-", " ").replace("'s", "").split())
_SPEECH = re.compile(r"\s+(?:said|says|told|tells|reported|reports|wants|wanted|stated|states|disclosed)\b")
_AFTER_SPEECH = re.compile(r"(?i)\b(?:says|said|told|asked|tells|spoke to|spoken to|seen with|visit with)\s+$")
_PERSON_VERB = re.compile(r"\s+(?:is|was|has|had|says|said|told|wants|feels|lives|attends|attended)\b")
_BRACKET_RELATION = re.compile(r"(?i)\s*\(\s*(?:[\w'-]+\s+){0,2}(?:" + "|".join(re.escape(r) for r in _RELATIONS) + r")\b")
_TITLE_NAME = re.compile(rf"\b{_TITLES}\s+[A-Za-z][A-Za-z'-]+")
_RELATION_NAME = re.compile(r"(?i)\b(?:" + "|".join(re.escape(r) for r in _RELATIONS)
                            + r")(?![\w'])[\s,(]+(?=([A-Za-z][A-Za-z'-]*))")


@dataclass(frozen=True)
class Finding:
    """A stretch of text that may identify a person.

    Attributes
    ----------
    kind : str
        ``name``, ``date``, ``postcode``, ``address``, ``phone``, ``nhs`` or ``reference``.
    start, end : int
        The stretch, as a slice of the text.
    rule : str
        Which rule found it (for the internal listing and the evaluation).
    """

    kind: str
    start: int
    end: int
    rule: str


def nhs_number_valid(text: str) -> bool:
    """Whether ten digits pass the NHS number's modulus 11 check (spaces ignored).

    The first nine digits are weighted 10 down to 2; 11 minus the sum modulo 11 is the check digit
    (11 becomes 0; 10 means the number is invalid).

    >>> nhs_number_valid("943 476 5919"), nhs_number_valid("943 476 5918"), nhs_number_valid("12345")
    (True, False, False)
    """
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _numbers(text: str) -> list[Finding]:
    found = []
    for m in _NUMBER_RUN.finditer(text):
        raw = m.group(0).rstrip(" -(")
        digits = re.sub(r"\D", "", raw)
        start, end = m.start(), m.start() + len(raw)
        if raw.startswith("+44") and 11 <= len(digits) <= 12:
            found.append(Finding("phone", start, end, "phone number"))
        elif len(digits) == 10 and nhs_number_valid(digits):
            found.append(Finding("nhs", start, end, "NHS number (modulus 11)"))
        elif digits.startswith("0") and len(digits) in (10, 11):
            found.append(Finding("phone", start, end, "phone number"))
        elif len(digits) >= 6:
            found.append(Finding("reference", start, end, "long number"))
    return found


def _ordinary(word: str) -> bool:
    """Whether a lower-case word is a word of the field, a common word or a relation (never a name).

    >>> _ordinary("step-dad"), _ordinary("kowalski")
    (True, False)
    """
    parts = word.replace("-", " ").split() or [word]
    return all(p in FIELD_TERMS or p in _COMMON or p in _RELATION_WORDS for p in parts)


def _neighbours(text: str, names: list[Finding]) -> list[Finding]:
    """The word just before or after a name found, when it is not an ordinary word: the rest of the
    name ("amira kowalski", "Jordan Osei")."""
    out = []
    for f in names:
        upper = text[f.start].isupper()
        before = re.search(r"([A-Za-z][A-Za-z'-]*)\s+$", text[: f.start])
        after = re.match(r"\s+([A-Za-z][A-Za-z'-]*)", text[f.end:])
        if before and before.group(1)[0].isupper() == upper and not _ordinary(before.group(1).lower()):
            out.append(Finding("name", before.start(1), before.end(1), "word beside a name"))
        if after and after.group(1)[0].isupper() == upper and not _ordinary(after.group(1).lower()):
            out.append(Finding("name", f.end + after.start(1), f.end + after.end(1), "word beside a name"))
    return out


def _merge(found: Iterable[Finding]) -> tuple[Finding, ...]:
    """Overlapping findings merged, the first kind (by start, then length) kept."""
    out: list[Finding] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if out and f.start < out[-1].end:
            last = out[-1]
            out[-1] = Finding(last.kind, last.start, max(last.end, f.end), last.rule)
        else:
            out.append(f)
    return tuple(out)


def _name_reason(text: str, m: re.Match[str]) -> str | None:
    """Why the word ``m`` of ``text`` reads as a person's name (the finding's reason), or None."""
    word = m.group(0)
    low = (word[:-2] if word.lower().endswith("'s") else word).lower().strip("'-")
    ordinary = _ordinary(low)
    if not ordinary and _BRACKET_RELATION.match(text, m.end()):
        return "word before a relation in brackets"
    if not ordinary and _SPEECH.match(text, m.end()):
        return "word before speech"
    if not ordinary and _AFTER_SPEECH.search(text[: m.start()]):
        return "word after speech"
    if not ordinary and word.lower().endswith("'s") and word[0].isupper():
        return "capitalised possessive"
    if (not ordinary and not low.endswith(("ed", "ing", "ly")) and _SENTENCE_START.search(text[: m.start()])
            and _PERSON_VERB.match(text, m.end())):
        return "word before a verb of a person at a sentence start"
    if low in FIRST_NAMES and (word[0].isupper() or low not in _AMBIGUOUS):
        return "first name"
    if word[0].isupper() and not word.isupper() and not ordinary and not low.endswith(("ed", "ing", "ly")):
        if not _SENTENCE_START.search(text[: m.start()]):
            return "capitalised word inside a sentence"
        if _NAME_FOLLOWS.match(text, m.end()):
            return "capitalised word before a relation or speech"
        return None
    if word.isupper() and len(word) > 1 and low in FIRST_NAMES:
        return "first name"
    return None


@dataclass(frozen=True)
class TextScreen:
    """The workbook's screen, with the names the evidence holds.

    Attributes
    ----------
    known : tuple of str
        Values the evidence holds that name a person, team, home or file (matched as whole words,
        without regard to case).
    """

    known: tuple[str, ...] = ()

    @classmethod
    def from_values(cls, values: Iterable[object]) -> TextScreen:
        """A screen knowing these values (blank and one-character values left out), longest first."""
        clean = {" ".join(str(v).split()) for v in values if v is not None and not pd.isna(v)}
        return cls(tuple(sorted((v for v in clean if len(v) > 1), key=lambda v: (-len(v), v))))

    @classmethod
    def of(cls, evidence: Evidence) -> TextScreen:
        """The screen for a folder: knowing every value its evidence holds that names a person, team,
        home, case or audit (:func:`known_values`). Call it on the evidence as loaded, before
        pseudonymisation."""
        return cls.from_values(known_values(evidence))

    @cached_property
    def _known_tokens(self) -> frozenset[str]:
        return frozenset(v.lower() for v in self.known if _TOKEN.fullmatch(v))

    @cached_property
    def _known_phrases(self) -> tuple[str, ...]:
        return tuple(v.lower() for v in self.known if not _TOKEN.fullmatch(v))

    def _known(self, text: str) -> list[Finding]:
        if not self.known:
            return []
        found = [Finding("name", m.start(), m.end(), "held in the evidence") for m in _TOKEN.finditer(text)
                 if m.group(0).lower() in self._known_tokens]
        lowered = text.lower()
        for needle in self._known_phrases:
            at = lowered.find(needle)
            while at >= 0:
                end = at + len(needle)
                before = lowered[at - 1] if at else " "
                after = lowered[end] if end < len(lowered) else " "
                if not (before.isalnum() or after.isalnum()):
                    found.append(Finding("name", at, end, "held in the evidence"))
                at = lowered.find(needle, at + 1)
        return found

    @staticmethod
    def _names(text: str) -> list[Finding]:
        found = [Finding("name", m.start(), m.end(), "title and name") for m in _TITLE_NAME.finditer(text)]
        for m in _RELATION_NAME.finditer(text):
            word = m.group(1)
            low = word.lower()
            plain = low in _COMMON or low.endswith(("ed", "ing", "ly"))
            if low not in FIELD_TERMS and (word[0].isupper() or not plain):
                found.append(Finding("name", m.start(1), m.end(1), "word after a relation"))
        for m in _WORD.finditer(text):
            reason = _name_reason(text, m)
            if reason is not None:
                found.append(Finding("name", m.start(), m.end(), reason))
        return found + _neighbours(text, found)

    def findings(self, text: object) -> tuple[Finding, ...]:
        """Every finding in a text, overlaps merged, in order (empty for a blank cell)."""
        if text is None or (isinstance(text, float) and pd.isna(text)):
            return ()
        text = str(text)
        found = self._known(text) + self._names(text) + _numbers(text)
        for kind, pattern in _PATTERNS:
            found += [Finding(kind, m.start(), m.end(), f"{kind} pattern") for m in pattern.finditer(text)]
        return _merge(found)

    def mask(self, text: object) -> str:
        """The text with each finding replaced by its kind in brackets (``[name]``, ``[date]``)."""
        if text is None or (isinstance(text, float) and pd.isna(text)):
            return ""
        return mask(str(text), self.findings(text))


_COMMON = frozenset(_words("""
was is has had have did does not never also and but who whom which that said says told reports reported
wants wanted feels felt refused declined agreed would could should will may can to at in on of for with about
from by as the a an be been being were are am his her their its he she they them him it this there here
then than so if or nor no yes all any some one two three four five six more most less very much many
only just still yet again new old own same other another each both either neither such what when where why
how while after before since until during over under into onto upon out up down off through across around
being having getting got get gets go goes going gone went come came coming make made making take took taken
see saw seen say know knew known think thought tell asked ask visit visited visits spoke speak present
attended attend engaged engage involved assessed assessment contact contacted informed aware unaware
concerns concern worried worries drinking drinks drink using uses use shouts shouting left leaves lives
living lived moved moving stays staying stayed works working worked isn't wasn't hasn't didn't doesn't
hadn't won't can't couldn't wouldn't shouldn't aged age now currently previously together separately alone
because due whose re regarding first last next unknown resident stated states admitted denied disclosed appears
appeared seems seemed remains remained continues continued being via mobile phone number address car room
bedroom friend friends spoke said says told tells stated asked wants feels born call calls nobody somebody
someone everyone anyone everybody date
"""))
"""Common words that follow a relation ("mum was", "dad said"): not taken as a name when lower case."""


def mask(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding replaced by ``[kind]``.

    >>> mask("call 07700 900461", [Finding("phone", 5, 17, "phone number")])
    'call [phone]'
    """
    out, at = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        out.append(text[at:f.start])
        out.append(f"[{f.kind}]")
        at = f.end
    out.append(text[at:])
    return "".join(out)


@dataclass(frozen=True)
class TextFinding:
    """A cell of free text with a finding, for the internal listing.

    Attributes
    ----------
    file : str
    row : int
        The row as seen in the file (the header is row 1).
    column : str
    kinds : tuple of str
        The kinds found, in order of appearance.
    masked : str
        The cell with every finding masked: the only form in which it is ever shown.
    """

    file: str
    row: int
    column: str
    kinds: tuple[str, ...]
    masked: str


def screen_table(frame: pd.DataFrame, columns: Iterable[str], screen: TextScreen, *, file: str,
                 row_column: str = "source_row") -> list[TextFinding]:
    """Every cell of ``columns`` with a finding, listed with file, row and column, masked.

    >>> frame = pd.DataFrame({"narrative": ["Plan is clear", "dad Darren not seen"], "source_row": [2, 3]})
    >>> [(f.row, f.column, f.kinds, f.masked) for f in screen_table(frame, ["narrative"], TextScreen(), file="a.csv")]
    [(3, 'narrative', ('name',), 'dad [name] not seen')]
    """
    out = []
    screened: dict[str, tuple[tuple[str, ...], str] | None] = {}  # a text repeated is screened once
    for column in columns:
        if column not in frame.columns:
            continue
        for row, text in zip(frame[row_column], frame[column], strict=True):
            if isinstance(text, str) and text in screened:
                result = screened[text]
            else:
                found = screen.findings(text)
                result = (tuple(f.kind for f in found), mask(str(text), found)) if found else None
                if isinstance(text, str):
                    screened[text] = result
            if result is not None:
                out.append(TextFinding(file, int(row), column, *result))
    return out


NAMING_FIELDS: dict[str, tuple[str, ...]] = {
    "teams": ("team",), "staff": ("team",), "frame": ("team",), "audits": ("team",),
    "regulated_services": ("service_name",),
}
"""Fields that name a team or a home (besides the person, case and audit fields of the schema): a team
in a small council can point to its few workers, a children's home to its few children."""


def known_values(evidence: Evidence) -> set[str]:
    """Every value the evidence holds that names a person, team, home, case or audit, as loaded
    (before pseudonymisation: auditors write the references they know).

    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> ev = Evidence("x", MappingProxyType({"teams": pd.DataFrame({"team": ["Family Support"]})}), {}, ())
    >>> sorted(known_values(ev))
    ['Family Support']
    """
    fields: dict[str, set[str]] = {}
    for source in (PERSON_FIELDS, CASE_FIELDS, AUDIT_FIELDS, NAMING_FIELDS):
        for name, columns in source.items():
            fields.setdefault(name, set()).update(columns)
    found: set[str] = set()
    for name, wanted in fields.items():
        frame = evidence.tables.get(name)
        if frame is None:
            continue
        for column in sorted(wanted):
            if column not in frame.columns:
                continue
            values = frame[column]
            rule = ORGANISATION_ROWS.get((name, column))
            if rule is not None and rule[0] in frame.columns:  # an organisation may be named
                organisations = {" ".join(v.split()).casefold() for v in rule[1]}
                values = values[~frame[rule[0]].map(lambda v: " ".join(str(v).split()).casefold()).isin(organisations)]
            found.update(str(v) for v in values.dropna().unique())
    return found


WITHHELD = "withheld"
"""Column :func:`screen_learning` adds: the row's free text had a finding, so none of it is ever published."""


def screen_learning(frame: pd.DataFrame, screen: TextScreen) -> pd.DataFrame:
    """``audit_learning`` with every finding in its free text masked, and a ``withheld`` column.

    >>> frame = pd.DataFrame({"narrative": ["Plan is clear", "dad Darren not seen"], "biggest_difference": [None, None],
    ...                       "voice_of_the_child": [None, "said no"]})
    >>> out = screen_learning(frame, TextScreen())
    >>> out["narrative"].tolist(), out["withheld"].tolist()
    (['Plan is clear', 'dad [name] not seen'], [False, True])
    """
    out = frame.copy()
    withheld = pd.Series(False, index=out.index)
    for column in LEARNING_TEXT:
        if column not in out.columns:
            continue
        masked = []
        for i, text in zip(out.index, out[column], strict=True):
            found = screen.findings(text)
            withheld.at[i] = withheld.at[i] or bool(found)
            masked.append(mask(str(text), found) if found else text)
        out[column] = pd.Series(masked, index=out.index, dtype=object)
    out[WITHHELD] = withheld.astype(bool)
    return out


def learning_findings(evidence: Evidence, *, file: str = "audit_learning.csv") -> list[TextFinding]:
    """The internal listing of a loaded folder's free text with a finding: every cell of
    ``audit_learning`` whose text may identify a person, by file, row and column, masked.

    Screens with the names the evidence holds (:func:`known_values`), so call it on the evidence as
    loaded, before pseudonymisation.
    """
    learning = evidence.tables.get("audit_learning")
    if learning is None:
        return []
    return screen_table(learning, LEARNING_TEXT, TextScreen.of(evidence), file=file)


def free_text_identifiers(evidence: Evidence) -> set[str]:
    """What the screen found in a folder's free text, word for word, for the disclosure check: a page or
    results file holding any of them is not published.

    Names the evidence holds in its own fields are left to those fields (a person's or case's reference
    is already an identifier; a team or home may be named on a page). Call it on the evidence as loaded,
    before pseudonymisation.
    """
    learning = evidence.tables.get("audit_learning")
    if learning is None:
        return set()
    screen = TextScreen.of(evidence)
    found: set[str] = set()
    for column in LEARNING_TEXT:
        if column not in learning.columns:
            continue
        for text in learning[column].dropna():
            text = str(text)
            found.update(" ".join(text[f.start:f.end].split()) for f in screen.findings(text)
                         if f.rule != "held in the evidence")
    return {v for v in found if len(v) > 1}
