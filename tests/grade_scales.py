"""Grade scales shared by the hand-built evidence of the mutant tests (test_analyses_mutants.py and
test_judgement_mutants.py): the Ofsted scale, a second scale with a not-applicable grade (a file or a
moderation graded "not graded" is not rated; files graded on it are judged on its own labels) and a
0 to 10 scaling question."""

from __future__ import annotations

from review.data.load import GradeScale

OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
STARS = GradeScale("stars", ("3 stars", "2 stars", "1 star", "not graded"), frozenset({"3 stars"}),
                   frozenset({"not graded"}))
SCORES = GradeScale("scaling_0_10", tuple(str(v) for v in range(10, -1, -1)), frozenset({"7", "8", "9", "10"}),
                    frozenset())
