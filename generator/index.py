"""A term's front page: ``output/<semester>/index.html`` lists its activities, with links to each
one's key, handout and HTML twin (those built so far) and when students may open each."""

from __future__ import annotations

import html
from pathlib import Path

from . import config as config_module
from .paths import ROOT, Paths
from .write import write_atomically

DOCUMENTS = (("key", ".pdf", "answer key (PDF)"), ("handout", ".pdf", "handout (PDF)"),
             ("key", ".html", "answer key (web page)"))


def when(value) -> str:
    """A time as a student reads it without doubt: 24-hour, with its offset (00:00 is a day's start)."""
    offset = value.strftime("%z")
    return value.strftime("%b %-d, %Y, %H:%M") + f" (UTC{offset[0].replace('-', chr(0x2212))}{offset[1:3]}:{offset[3:]})"


COLUMNS = ("Activity", "Held on", "Due", "Handout opens", "Key opens", "Documents")


def cell(value) -> str:
    """A time in a table cell: its offset on a line of its own where the table is a table (so it
    stays narrow), on the time's line where each activity stands as a list (on a phone)."""
    moment, offset = html.escape(when(value)).split(" (UTC")
    return f'{moment} <span class="offset">(UTC{offset}</span>'


def labelled(column: str, value: str, kind: str = "when") -> str:
    """A cell, with its column's name shown beside it on a phone, where the head row is hidden (a
    screen reader has the head row, so does not hear the name twice)."""
    return (f'<td role="cell" class="{kind}"><span class="label" aria-hidden="true">{html.escape(column)}</span>'
            f'<span class="value">{value}</span></td>')


def index_page(cfg, root: Path) -> str:
    """The page: one row per activity of the term whose table holds, in order of number."""
    e = html.escape
    rows = []
    for term in sorted(cfg.activities, key=lambda a: a.number):
        paths = Paths(root, cfg.semester, term.id)
        links = [f'<a href="{e(paths.document(kind, suffix).name)}" aria-label="Activity {term.number} {e(label)}">'
                 f'{e(label)}</a>' for kind, suffix, label in DOCUMENTS if paths.document(kind, suffix).is_file()]
        held, due, handout, key, documents = COLUMNS[1:]
        rows.append(f"<tr role=\"row\"><th scope=\"row\" role=\"rowheader\">Activity {term.number}: {e(term.title)}</th>"
                    + labelled(held, e(term.date.strftime("%b %-d, %Y"))) + labelled(due, cell(term.due))
                    + labelled(handout, cell(term.handout_release)) + labelled(key, cell(term.key_release))
                    + labelled(documents, "".join(f'<span class="link">{link}</span>' for link in links)
                               or "not built yet", "documents")
                    + "</tr>")
    head = "".join(f'<th scope="col" role="columnheader">{e(name)}</th>' for name in COLUMNS)
    title = f"{cfg.course.code} {cfg.course.name}, {cfg.course.term}"
    # Where the table would not fit (some 51rem, more in a wider font), each activity is a block
    # of lines (a label, then "Feb 17, 2027, 23:59 (UTC-08:00)"), nothing to scroll sideways on a
    # phone. The roles keep it a table to a screen reader (a table shown as blocks may lose them);
    # the head row is there for it, hidden from the eye, and the labels the other way round.
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}: activities</title>
<style>
body {{ font-family: Georgia, serif; max-width: 68rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #bbb; }}
thead th {{ border-bottom: 2px solid #333; }}
.when {{ white-space: nowrap; }}
.offset, .link {{ display: block; }}
.link {{ white-space: nowrap; }}  /* a document's name whole: "answer key (PDF)", not "answer key" over "(PDF)" */
.label {{ display: none; }}
caption {{ text-align: left; padding-bottom: 0.4rem; max-width: calc(100vw - 2rem); }}
.scroll {{ overflow-x: auto; }}
@media (max-width: 58rem) {{
  body {{ margin-top: 1rem; }}
  table, tbody, tr, th, td, caption {{ display: block; }}
  thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }}
  caption {{ padding-bottom: 0.6rem; border-bottom: 2px solid #333; }}
  tr {{ padding: 0.6rem 0; border-bottom: 1px solid #bbb; }}
  th, td {{ padding: 0.1rem 0; border: 0; }}
  tbody th {{ padding-bottom: 0.3rem; }}
  td {{ display: grid; grid-template-columns: 7.5rem minmax(0, 1fr); column-gap: 0.5rem; }}
  .when {{ white-space: normal; }}
  .label {{ display: block; color: #4d4d4d; }}
  .offset {{ display: inline; white-space: nowrap; }}
  .link {{ padding: 0.1rem 0; }}
}}
</style>
</head>
<body>
<h1>{e(title)}</h1>
<div class="scroll" role="region" aria-label="the activities of the term" tabindex="0">
<table role="table">
<caption>Activities of the term: when each is held and due, and when students may open its handout and key</caption>
<thead role="rowgroup"><tr role="row">{head}</tr></thead>
<tbody role="rowgroup">
{chr(10).join(rows)}
</tbody>
</table>
</div>
</body>
</html>
"""


def build_index(semester: str | None = None, *, root: Path = ROOT) -> Path:
    """Write the term's index page (rewritten only when it changes)."""
    semester = semester or config_module.newest_semester(root)
    cfg = config_module.load(config_module.config_path(root, semester), root)
    path = Paths(root, semester, "").output / "index.html"
    write_atomically(path, index_page(cfg, root).encode())
    return path
