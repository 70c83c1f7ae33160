"""Activity 6, "Backpropagation and Initialization" (Prince, Understanding Deep Learning, chapter 7).

There is no hand-written original for this activity, so its key has no errata: the problems
(backpropagation through the book's toy model, the loss's derivative, the sigmoid's vanishing
derivative, He initialization) are computed, proven and plotted from ``parameters.py`` alone.
"""

TITLE = "Backpropagation and Initialization"
NUMBER = 6
