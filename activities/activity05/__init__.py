"""Activity 5, "Gradient Descent" (Prince, Understanding Deep Learning, chapter 6).

Its original handout, written by hand, had errors; the key lists them (``errata.py``).
"""

TITLE = "Gradient Descent"
NUMBER = 5
