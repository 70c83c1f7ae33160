"""Where things live: the checkout, the shared templates, and each (semester, activity)'s files.

Every generated file of a build is under the project root: ``output/<semester>/`` for what a
reader gets, ``figures/<semester>/<activity>/`` and ``.cache/<semester>/<activity>/`` for what
the build keeps, so two activities of a term (or two terms) never share a cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


@dataclass(frozen=True)
class Paths:
    root: Path
    semester: str
    activity: str

    @property
    def output(self) -> Path:
        return self.root / "output" / self.semester

    @property
    def figures(self) -> Path:
        return self.root / "figures" / self.semester / self.activity

    @property
    def cache(self) -> Path:
        return self.root / ".cache" / self.semester / self.activity

    @property
    def jinja_cache(self) -> Path:
        return self.root / ".cache" / "jinja"

    def document(self, kind: str, suffix: str) -> Path:
        return self.output / f"{self.activity}-{kind}{suffix}"

    def last_pass(self, kind: str, engine: str) -> Path:
        """What the last TeX pass over this document wrote for a next one (see latex.LastPass)."""
        return self.cache / f"last-pass-{kind}-{engine}"
