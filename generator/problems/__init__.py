"""One module per problem: a pure ``compute(questions)`` returning a frozen result dataclass.

Each result exposes ``derivations`` (checked by the proof stage) and ``numeric_checks``
(measured at compute time, judged against their tolerances by the proof stage).
"""
