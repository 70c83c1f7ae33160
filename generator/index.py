"""A term's front page: ``output/<semester>/index.html`` lists its activities, with links to each
one's key, handout and HTML twin (those built so far) and when students may open each."""

from __future__ import annotations

import html
from pathlib import Path

from . import config as config_module
from .paths import ROOT, Paths
from .write import write_atomically

DOCUMENTS = (("key", ".pdf", "answer key (PDF)"), ("handout", ".pdf", "handout (PDF)"),
             ("key", ".html", "answer key (accessible HTML)"))


def when(value) -> str:
    """A time as a student reads it without doubt: 24-hour, with its offset (00:00 is a day's start)."""
    offset = value.strftime("%z")
    return value.strftime("%b %-d, %Y, %H:%M") + f" (UTC{offset[0].replace('-', chr(0x2212))}{offset[1:3]}:{offset[3:]})"


def cell(value) -> str:
    """A time in a table cell: its offset on a line of its own, so the table stays narrow."""
    return html.escape(when(value)).replace(" (UTC", "<br>(UTC")


def index_page(cfg, root: Path) -> str:
    """The page: one row per activity of the term whose table holds, in order of number."""
    e = html.escape
    rows = []
    for term in sorted(cfg.activities, key=lambda a: a.number):
        paths = Paths(root, cfg.semester, term.id)
        links = [f'<a href="{e(paths.document(kind, suffix).name)}" aria-label="Activity {term.number} {e(label)}">'
                 f'{e(label)}</a>' for kind, suffix, label in DOCUMENTS if paths.document(kind, suffix).is_file()]
        rows.append(f"<tr><th scope=\"row\">Activity {term.number}: {e(term.title)}</th>"
                    f"<td class=\"when\">{e(term.date.strftime('%b %-d, %Y'))}</td><td class=\"when\">{cell(term.due)}</td>"
                    f"<td class=\"when\">{cell(term.handout_release)}</td>"
                    f"<td class=\"when\">{cell(term.key_release)}</td>"
                    f"<td>{'<br>'.join(links) or 'not built yet'}</td></tr>")
    title = f"{cfg.course.code} {cfg.course.name}, {cfg.course.term}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}: activities</title>
<style>
body {{ font-family: Georgia, serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid #bbb; }}
thead th {{ border-bottom: 2px solid #333; }}
.when {{ white-space: nowrap; }}
caption {{ text-align: left; padding-bottom: 0.4rem; max-width: calc(100vw - 2rem); }}
.scroll {{ overflow-x: auto; }}
@media (max-width: 40rem) {{ .when {{ white-space: normal; }} th, td {{ padding: 0.3rem; }} }}
</style>
</head>
<body>
<h1>{e(title)}</h1>
<div class="scroll" role="region" aria-label="the activities of the term" tabindex="0">
<table>
<caption>Activities of the term: when each is held and due, and when students may open its handout and key</caption>
<thead><tr><th scope="col">Activity</th><th scope="col">Held on</th><th scope="col">Due</th><th scope="col">Handout opens</th>
<th scope="col">Key opens</th><th scope="col">Documents</th></tr></thead>
<tbody>
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
