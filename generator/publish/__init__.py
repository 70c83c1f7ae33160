"""Publishing answer keys to Canvas, never open to students before their release time.

The CLI calls ``publish_semester`` after building the PDFs; docs/canvas.md is the user's guide.
"""

from .page import PageItem, PublishedPage, page_item
from .plan import Plan, describe_plan
from .report import PublishedFile, PublishReport
from .retry import RetryPolicy
from .run import publish_semester
from .targets import HANDOUT_FOLDER_SUFFIX, PublishItem

__all__ = ["publish_semester", "describe_plan", "PublishItem", "PublishReport", "PublishedFile", "Plan",
           "RetryPolicy", "HANDOUT_FOLDER_SUFFIX", "PageItem", "PublishedPage", "page_item"]
