"""A term's front page lists each activity with links to what is built and when students may open it."""

from __future__ import annotations

import re
from pathlib import Path

from generator.config import load
from generator.index import index_page, when

REPO = Path(__file__).resolve().parent.parent


def test_the_index_links_what_is_built_and_dates_each_release(tmp_path):
    cfg = load(REPO / "semesters" / "2027-spring.toml", REPO)
    folder = tmp_path / "output" / "2027-spring"
    folder.mkdir(parents=True)
    (folder / "activity05-key.pdf").write_bytes(b"%PDF")
    page = index_page(cfg, tmp_path)
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", page)
    assert [re.match(r"Activity (\d+)", r).group(1) for r in rows] == [str(a.number) for a in cfg.activities]
    first, second = rows
    assert 'href="activity05-key.pdf"' in first and "activity05-handout.pdf" not in first
    assert "not built yet" in second
    for term, row in zip(cfg.activities, rows):
        for moment in (term.due, term.handout_release, term.key_release):
            assert when(moment) in row.replace("<br>", " ")
    assert " AM" not in page and " PM" not in page  # 24-hour times: 00:00 is a day's start, not its end


def test_a_time_is_printed_with_its_offset():
    cfg = load(REPO / "semesters" / "2024-fall.toml", REPO)
    due = cfg.activities[0].due
    hours, rest = divmod(abs(int(due.utcoffset().total_seconds())) // 60, 60)
    sign = "\u2212" if due.utcoffset().total_seconds() < 0 else "+"  # a true minus, as the page prints it
    assert when(due) == due.strftime("%b %-d, %Y, %H:%M") + f" (UTC{sign}{hours:02d}:{rest:02d})"
