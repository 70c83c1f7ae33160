"""Activity 5's problems, numbered by the order of their file names.

Each module has a ``TITLE`` and a pure ``compute(questions)`` returning a frozen result with
``derivations`` and ``numeric_checks``.
"""
