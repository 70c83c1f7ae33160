"""A term's front page lists each activity with links to what is built and when students may open it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.config import load
from generator.index import index_page, when

REPO = Path(__file__).resolve().parent.parent


def test_the_index_links_what_is_built_and_dates_each_release(tmp_path):
    cfg = load(REPO / "semesters" / "2027-spring.toml", REPO)
    folder = tmp_path / "output" / "2027-spring"
    folder.mkdir(parents=True)
    (folder / "activity05-key.pdf").write_bytes(b"%PDF")
    page = index_page(cfg, tmp_path)
    rows = re.findall(r"<tr role=\"row\"><th scope=\"row\" role=\"rowheader\">(.*?)</tr>", page)
    assert [re.match(r"Activity (\d+)", r).group(1) for r in rows] == [str(a.number) for a in cfg.activities]
    first, second = rows
    assert 'href="activity05-key.pdf"' in first and "activity05-handout.pdf" not in first
    assert "not built yet" in second
    for term, row in zip(cfg.activities, rows):
        for moment in (term.due, term.handout_release, term.key_release):
            assert when(moment) in re.sub(r"<[^>]*>", "", row)
    assert " AM" not in page and " PM" not in page  # 24-hour times: 00:00 is a day's start, not its end


def test_a_time_is_printed_with_its_offset():
    cfg = load(REPO / "semesters" / "2024-fall.toml", REPO)
    due = cfg.activities[0].due
    hours, rest = divmod(abs(int(due.utcoffset().total_seconds())) // 60, 60)
    sign = "\u2212" if due.utcoffset().total_seconds() < 0 else "+"  # a true minus, as the page prints it
    assert when(due) == due.strftime("%b %-d, %Y, %H:%M") + f" (UTC{sign}{hours:02d}:{rest:02d})"


INDEX_LAYOUT = """(() => {
  const screen = document.documentElement.clientWidth, region = document.querySelector(".scroll");
  const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top }; };
  return {
    screen, pageWidth: document.documentElement.scrollWidth,
    regionScrolls: region.scrollWidth > region.clientWidth + 1,
    cells: [...document.querySelectorAll("tbody th, tbody td")].map((c) => ({ ...box(c), text: c.innerText })),
    links: [...document.querySelectorAll("tbody a")].map(box),
    rowTops: [...document.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((c) => Math.round(box(c).top))),
    headShown: document.querySelector("thead").getBoundingClientRect().height > 10,
  };
})()"""


@pytest.mark.browser
def test_the_index_reads_on_a_phone_without_scrolling_sideways_and_is_a_table_on_a_desktop(tmp_path):
    from test_html import in_chromium

    from generator.index import DOCUMENTS
    from generator.paths import Paths

    cfg = load(REPO / "semesters" / "2027-spring.toml", REPO)
    for term in cfg.activities:  # every document built: the longest Documents cell
        for kind, suffix, _ in DOCUMENTS:
            path = Paths(tmp_path, cfg.semester, term.id).document(kind, suffix)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
    page = tmp_path / "index.html"
    page.write_text(index_page(cfg, tmp_path))
    phone, desktop = in_chromium([(page, 400), (page, 1100)], INDEX_LAYOUT)

    assert phone["pageWidth"] <= phone["screen"] and not phone["regionScrolls"]
    assert len(phone["links"]) == 3 * len(cfg.activities)
    for thing in phone["cells"] + phone["links"]:
        assert thing["left"] >= 0 and thing["right"] <= phone["screen"] + 0.5, thing
    assert not phone["headShown"]  # each value says what it is instead: "Key opens  Feb 25, 2027, ..."
    assert all(c["text"].startswith(("Activity", "Held on", "Due", "Handout opens", "Key opens", "Documents"))
               for c in phone["cells"]), phone["cells"]
    assert all(len(set(tops)) == len(tops) for tops in phone["rowTops"])  # one cell under the other

    assert desktop["pageWidth"] <= desktop["screen"] and not desktop["regionScrolls"] and desktop["headShown"]
    assert all(len(set(tops)) == 1 for tops in desktop["rowTops"])  # a row of the table, side by side
    assert not any(c["text"].startswith(("Held on", "Due", "Key opens")) for c in desktop["cells"])  # labels hidden
