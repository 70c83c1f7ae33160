"""A web page has no floats: each figure goes after the paragraph that first mentions it.

The prose calls a figure where TeX may float it best, which can be before the text that introduces
it (a float goes to the top of the next page); the PDF's reader meets the text first either way, the
page's reader would not. So a figure whose first mention comes later is moved to where the text
holding that mention next starts a sentence of its own (a paragraph or heading that begins with a
capital), never between a lead-in and its display; one mentioned first before it stays where it is.
"""

from __future__ import annotations

import re

_FIGURE = re.compile(r'<figure class="figure" id="figure:([^"]+)">.*?</figure>\n?', re.S)
# A paragraph of prose (no class: not a derivation's reason) or a heading that starts a new
# sentence: its first letter, past any tags, a capital.
_NEW_SENTENCE = re.compile(r"<(?:p|h[1-6]\b[^>]*)>(?:\s|<[^>]+>)*[A-Z]")


def figures_after_mention(page: str) -> str:
    for name in _FIGURE.findall(page):
        block = next(m for m in _FIGURE.finditer(page) if m.group(1) == name)
        mention = page.find(f'href="#figure:{name}"')
        if mention < block.end():
            continue  # mentioned before the figure (or only in it): in reading order already
        start = _NEW_SENTENCE.search(page, mention)
        if start is None:
            continue
        rest = page[:block.start()] + page[block.end():]
        at = start.start() - (block.end() - block.start())
        page = rest[:at] + block.group(0) + rest[at:]
    return page
