"""Every repository file the README, the docs, the code and the templates cite exists.

A newcomer follows these references ("the JSON of docs/sroi-method.md section 5", a link from the
README, `core/sroi/engine.py` in a method page); one that leads nowhere is a defect. Checked:

- `docs/<name>.md` and `examples/<name>` anywhere in the README, `docs/`, `CHANGELOG.md`, Python
  modules of `src/` and `tests/`, and templates;
- a method page named bare in code (`sroi-method.md section 1`), which lives in `docs/`;
- relative Markdown links in the README and `docs/`, with their `#section` anchors;
- paths in backticks in the README and `docs/` (`core/scoring.py`, `tests/core/...`), resolved
  from the repository root or from `src/socialvalue/`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "socialvalue"

MARKDOWN = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
CODE = [
    *sorted((ROOT / "src").rglob("*.py")),
    *sorted(path for path in (ROOT / "tests").rglob("*.py") if path != Path(__file__).resolve()),
    *sorted(PACKAGE.rglob("templates/**/*.html")),
    *sorted(PACKAGE.rglob("templates/**/*.txt")),
]

#: `docs/x.md`, `docs/operations/x.md`, `examples/x.yaml`, or the bare folder `examples/`.
REPOSITORY_PATH = re.compile(r"(?<![\w./-])((?:docs/[\w./-]*\.md)|(?:examples/[\w./-]*))")
#: A method page named without its folder, as code docstrings and API descriptions do.
BARE_PAGE = re.compile(r"(?<![\w./-])([a-z][\w-]*-(?:method|evaluation)\.md)")
#: `[text](target)`, skipping images' and links' absolute targets later.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
#: A path in backticks that names a file of this repository by its folder.
CODE_SPAN_PATH = re.compile(
    r"`((?:src|tests|docs|examples|scripts|core|web|reports|cli|data)/[\w./-]+"
    r"\.(?:py|md|yaml|yml|json|html|toml|conf|mjs|xlsx|css))`"
)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _exists(cited: str) -> bool:
    cited = cited.rstrip(".,;:")
    return any((base / cited).exists() for base in (ROOT, PACKAGE))


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(h) for h in HEADING.findall(FENCE.sub("", _text(path)))}


def _where(path: Path, text: str, index: int) -> str:
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{name}:{text.count(chr(10), 0, index) + 1}"


def cited_paths(path: Path) -> list[tuple[str, str]]:
    """(place, cited path) for each repository path the file names and that does not exist."""
    text = _text(path)
    missing = []
    for match in REPOSITORY_PATH.finditer(text):
        if not _exists(match.group(1)):
            missing.append((_where(path, text, match.start()), match.group(1)))
    for match in BARE_PAGE.finditer(text):
        if not (ROOT / "docs" / match.group(1)).exists():
            missing.append((_where(path, text, match.start()), match.group(1)))
    return missing


def broken_links(path: Path) -> list[tuple[str, str]]:
    """(place, link) for each relative Markdown link or backticked path that leads nowhere."""
    text = _text(path)
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    broken = []
    for match in MARKDOWN_LINK.finditer(prose):
        target = match.group(1)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append((_where(path, prose, match.start()), target))
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append((_where(path, prose, match.start()), target))
    for match in CODE_SPAN_PATH.finditer(prose):
        if not _exists(match.group(1)):
            broken.append((_where(path, prose, match.start()), match.group(1)))
    return broken


def test_the_scan_finds_what_it_should(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\nSee docs/nowhere.md, `core/nowhere.py`, [it](missing.md), [up](#a-page),\n"
        "[down](#no-such-section), examples/community-meals.yaml and [web](https://example.org).\n",
        encoding="utf-8",
    )
    module = tmp_path / "module.py"
    module.write_text('"""As in docs/sroi-method.md and in tea-method.md section 2."""\n')
    assert [cited for _, cited in cited_paths(page)] == ["docs/nowhere.md"]
    assert [cited for _, cited in cited_paths(module)] == ["tea-method.md"]
    assert [link for _, link in broken_links(page)] == [
        "missing.md",
        "#no-such-section",
        "core/nowhere.py",
    ]


def test_every_cited_repository_path_exists():
    missing = [item for path in MARKDOWN + CODE for item in cited_paths(path)]
    assert missing == []


def test_every_relative_link_and_code_path_in_the_docs_resolves():
    broken = [item for path in MARKDOWN for item in broken_links(path)]
    assert broken == []


def test_the_readme_links_the_method_pages_and_the_contributing_guide():
    links = set(MARKDOWN_LINK.findall(_text(ROOT / "README.md")))
    assert {
        "docs/sroi-method.md",
        "docs/tender-evaluation.md",
        "docs/wellbeing-method.md",
        "docs/contributing.md",
        "docs/architecture.md",
    } <= links
