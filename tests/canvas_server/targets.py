"""What the publish tests publish: an activity's small fake files, its term, and the clock they start at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from generator.config import load

# The clock the tests start at: a week before the 2027-spring key opens.
NOW = (load(Path(__file__).resolve().parents[2] / "semesters" / "2027-spring.toml").activity("activity05").key_release
       .astimezone(UTC) - timedelta(days=7))


def key_target(tmp: Path, *, activity: str = "activity05", folder: str = "Answer keys/Activity 05",
               key_release: datetime, handout_release: datetime | None = None, assignment_id: int | None = None,
               page: bool = False, content: bytes | None = None):
    """An activity's target with small fake files under ``tmp/output`` (no TeX needed)."""
    from generator.publish import ActivityTarget, FileTarget, PageTarget
    from generator.publish.targets import folder_names

    out = tmp / "output"
    out.mkdir(parents=True, exist_ok=True)
    key = out / f"{activity}-key.pdf"
    key.write_bytes(content if content is not None else f"%PDF-1.5\n% {activity} key\n\x00\xff\r\n%%EOF\n".encode())
    files = [FileTarget("key", key, key.name, key_release)]
    if handout_release is not None:
        handout = out / f"{activity}-handout.pdf"
        handout.write_bytes(f"%PDF-1.5\n% {activity} questions\n%%EOF\n".encode())
        files.append(FileTarget("handout", handout, handout.name, handout_release))
    page_target = None
    if page:
        figures = out / f"{activity}-key-figures"
        figures.mkdir(exist_ok=True)
        (figures / "logistic_family-0123abcd.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
        (figures / "momentum-4567cdef.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>')
        body = out / f"{activity}-key.canvas.html"
        body.write_text(PAGE_BODY.replace("activity05-key-figures", f"{activity}-key-figures"))
        page_target = PageTarget(f"Activity {activity[-2:].lstrip('0')}: Gradient Descent, answer key", body, figures)
    return ActivityTarget(activity, folder_names(folder), key_release, tuple(files), assignment_id, page_target)


def term_of(tmp: Path, *activities, course_id: int = 316365, upload_early: bool = False):
    from generator.publish import Term

    return Term("2027-spring", "https://canvas.example.edu", course_id, upload_early, tuple(activities),
                tmp / ".cache" / "2027-spring" / "canvas-uploads.json")


PAGE_BODY = ('<div class="sheet" lang="en"><h2 id="problem:least_squares">Problem 1</h2>'
             '<p>The loss <math display="inline"><mi>L</mi><mo>=</mo><mn>12.366904</mn></math></p>'
             '<figure><img class="image" src="activity05-key-figures/logistic_family-0123abcd.svg" '
             'alt="Curves of Pr"></figure>'
             '<figure><img class="image" src="activity05-key-figures/momentum-4567cdef.svg" alt="Bars of w_k">'
             '</figure></div>')
