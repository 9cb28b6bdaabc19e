"""The documentation stands on its own and keeps up with the tests.

- Every rule id a test names has its section in ``docs/rules.md``, and every
  section there is named by at least one test.
- No Markdown file points outside the repository or to an issue number: a clone
  can look everything up.
- The README stays short enough to read in a minute.
- Every relative link in the Markdown files leads to a file that exists, and
  every ``#anchor`` to a heading in it.
"""

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
RULES = ROOT / "docs" / "rules.md"
THIS_FILE = Path(__file__).resolve()

RULE_ID = re.compile(r"\bSS-(\d+)\b")
RULE_HEADING = re.compile(r"^## (SS-\d+) \S", re.MULTILINE)

# Rules that docs/rules.md records as not yet named by any test (its section says
# which parts are enforced and which are not). Remove an id from here as soon as a
# test names it, and update its section.
NOT_YET_CITED: set[str] = set()

README_MOST_BYTES = 12_000

# Folders that hold no project documentation: tools' and dependencies' files.
NOT_THE_PROJECT = {".git", ".venv", "node_modules", "staticfiles", "__pycache__"}

OUTSIDE_REFERENCES = [
    (re.compile(r"\.\./shared\b"), "a file outside the repository"),
    (re.compile(r"\bissues?\s+#?\d+", re.IGNORECASE), "an issue number"),
]

LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCED_BLOCK = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def markdown_files() -> list[Path]:
    """Every Markdown file of the project, wherever it is."""
    return sorted(
        path
        for path in ROOT.rglob("*.md")
        if not NOT_THE_PROJECT & set(path.relative_to(ROOT).parts[:-1])
        and not any(part.startswith(".") for part in path.relative_to(ROOT).parts[:-1])
    )


def prose(text: str) -> str:
    """The text without code blocks and inline code, where links are not links."""
    return INLINE_CODE.sub("", FENCED_BLOCK.sub("", text))


def cited_rules() -> dict[str, list[str]]:
    """Each rule id named under tests/, with the files that name it (this one aside)."""
    cited: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path.resolve() == THIS_FILE:
            continue
        for number in set(RULE_ID.findall(path.read_text(encoding="utf-8"))):
            cited.setdefault(f"SS-{number}", []).append(str(path.relative_to(ROOT)))
    return cited


def rule_headings() -> list[str]:
    return RULE_HEADING.findall(RULES.read_text(encoding="utf-8"))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = INLINE_CODE.sub(lambda code: code.group()[1:-1], heading).strip().lower()
    kept = "".join(
        char for char in text if char in " -_" or unicodedata.category(char)[0] in {"L", "N"}
    )
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor in a Markdown file, with GitHub's -1, -2 for repeats."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(FENCED_BLOCK.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(path: Path) -> list[str]:
    links = LINK.findall(prose(path.read_text(encoding="utf-8")))
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:", link, re.IGNORECASE)]


# --- the rules ----------------------------------------------------------------------


def test_the_rules_page_has_one_section_per_rule_numbered_without_gaps():
    headings = rule_headings()
    assert headings, f"{RULES.relative_to(ROOT)} has no '## SS-n Title' heading"
    assert len(headings) == len(set(headings)), f"a rule has two sections: {headings}"
    assert headings == [f"SS-{n}" for n in range(1, len(headings) + 1)], headings


def test_every_rule_a_test_names_has_its_section_in_the_rules_page():
    documented = set(rule_headings())
    missing = {rule: files for rule, files in cited_rules().items() if rule not in documented}
    assert not missing, (
        f"Tests name rules that {RULES.relative_to(ROOT)} has no '## SS-n' section for: {missing}"
    )


def test_every_rule_in_the_rules_page_is_named_by_a_test():
    cited = cited_rules()
    uncited = {rule for rule in rule_headings() if rule not in cited}
    assert uncited <= NOT_YET_CITED, (
        f"No test names {sorted(uncited - NOT_YET_CITED)}: put the rule id in the "
        "docstring of the tests that guard it"
    )
    now_cited = NOT_YET_CITED - uncited
    assert not now_cited, (
        f"Tests now name {sorted(now_cited)}: remove it from NOT_YET_CITED and update "
        f"its section in {RULES.relative_to(ROOT)} (its tests, what is not enforced yet)"
    )


# --- the repository stands on its own -------------------------------------------------


def test_the_markdown_files_are_found():
    found = {str(path.relative_to(ROOT)) for path in markdown_files()}
    assert {"README.md", "SECURITY.md", "docs/rules.md", "bench/README.md"} <= found


def test_no_markdown_file_refers_outside_the_repository_or_to_an_issue_number():
    found = []
    for path in markdown_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in OUTSIDE_REFERENCES:
                if match := pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {match.group()!r}")
    assert not found, "Say it in the repository's own words instead:\n" + "\n".join(found)


def test_the_readme_reads_in_a_minute():
    size = len((ROOT / "README.md").read_bytes())
    assert size < README_MOST_BYTES, (
        f"README.md is {size} bytes; keep it under {README_MOST_BYTES} and move detail to docs/"
    )


def test_every_relative_link_leads_to_a_file_and_heading_that_exist():
    broken = []
    for path in markdown_files():
        for link in relative_links(path):
            target, _, anchor = link.partition("#")
            linked = (path.parent / target).resolve() if target else path
            where = f"{path.relative_to(ROOT)}: ({link})"
            if not linked.exists():
                broken.append(f"{where}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{where}: no heading with that anchor")
            elif ROOT not in linked.parents and linked != ROOT:
                broken.append(f"{where}: outside the repository")
    assert not broken, "\n".join(broken)


# --- the checks themselves ------------------------------------------------------------


def test_the_anchor_of_a_heading_is_githubs():
    assert slug("SS-4 One booked exam at a time") == "ss-4-one-booked-exam-at-a-time"
    assert slug("Adding or changing a string") == "adding-or-changing-a-string"
    assert slug("For superusers: the roles") == "for-superusers-the-roles"
    assert slug("Speed: what may show late") == "speed-what-may-show-late"


def test_the_outside_references_are_recognised_and_ordinary_words_are_not():
    def flagged(line):
        return [what for pattern, what in OUTSIDE_REFERENCES if pattern.search(line)]

    assert flagged("Rules are in ../shared/SPEC.md.")
    assert flagged("as issue 6 asks")
    assert flagged("see Issue #7")
    assert not flagged("Exam packs → Issue a pack, then issue_pack(exam_count=10000)")
    assert not flagged("Second Shot pack #12 of 3, exam 070-483")


def test_links_are_read_from_prose_not_from_code():
    text = "[rules](docs/rules.md) `[not](a/link.md)`\n```\n[nor](this.md)\n```\n"
    assert LINK.findall(prose(text)) == ["docs/rules.md"]
