"""Publishing answer keys to Canvas: nothing of a key before its release, extensions respected.

The CLI calls ``publish_semester`` (or ``wait_and_publish`` for --wait) after building the
files; targets.py is the one place that reads the config; docs/canvas.md is the user's guide.
"""

from .plan import Row, State
from .report import PublishReport
from .retry import RetryPolicy
from .run import publish_semester, publish_term
from .targets import ActivityTarget, FileTarget, PageTarget, Term, targets_for
from .wait import wait_and_publish

__all__ = ["publish_semester", "publish_term", "wait_and_publish", "targets_for", "Term", "ActivityTarget",
           "FileTarget", "PageTarget", "PublishReport", "Row", "State", "RetryPolicy"]
