"""Check a built HTML site as a reader's browser would load it.

Every ``href`` and ``src`` that points inside the site (no scheme, no ``//``) must name a
file that exists, and every ``#fragment`` must name an ``id`` on the target page; every
``<img>`` must load (the file exists and is not empty). Run after the Sphinx build by
``python3 tasks.py docs``; exits 1 and lists the problems otherwise.

    python docs/_ext/check_site.py docs/_build/html
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Files Sphinx writes that link to pages generated at run time (search results).
SKIP = {"search.html", "genindex.html"}
#: Folders of the theme's own assets (templates, not pages).
SKIP_DIRS = {"_static", "_sources"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(str(a[key]))
        if tag == "a" and a.get("href"):
            self.links.append(("a", str(a["href"])))
        elif tag in ("img", "script") and a.get("src"):
            self.links.append((tag, str(a["src"])))
        elif tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon"):
            self.links.append(("link", str(a["href"])))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check(root: Path) -> list[str]:
    """The problems found in the site under ``root`` (empty when it is sound)."""
    root = root.resolve()
    pages = {
        p: _parse(p)
        for p in root.rglob("*.html")
        if not SKIP_DIRS.intersection(p.relative_to(root).parts)
    }
    if not pages:
        return [f"{root}: no HTML pages"]
    problems = []
    for path, page in pages.items():
        if path.name in SKIP:
            continue
        for tag, url in page.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith("mailto:"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(root)}: <{tag}> {url}"
            if not target.is_relative_to(root):
                problems.append(f"{where} leaves the site")
            elif target.is_dir():
                if not (target / "index.html").exists():
                    problems.append(f"{where}: a folder without index.html")
            elif not target.exists():
                problems.append(f"{where}: no such file")
            elif tag == "img" and target.stat().st_size == 0:
                problems.append(f"{where}: an empty image")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{where}: no id {parts.fragment!r} on that page")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "docs/_build/html")
    problems = check(root)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"check_site: {root}: {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
