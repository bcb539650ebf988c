"""The README and docs stand alone: every relative link points inside the repository."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Markdown link targets, and paths written as code that climb out of their folder.
LINK = re.compile(r"\]\(([^)#\s]+)[^)]*\)")
CLIMBING_PATH = re.compile(r"`(\.\./[^`]*)`")


def relative_targets(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    links = [target for target in LINK.findall(text) if "://" not in target]
    return links + CLIMBING_PATH.findall(text)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_relative_links_stay_in_the_repository_and_exist(document):
    for target in relative_targets(document):
        resolved = (document.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{document.name} links outside: {target}"
        assert resolved.exists(), f"{document.name} links to a missing {target}"


def test_the_reference_data_sources_are_documented_in_the_repository():
    text = (ROOT / "docs" / "reference-data.md").read_text(encoding="utf-8")
    for fixture in sorted((ROOT / "fixtures").glob("*.csv")):
        assert fixture.name in text, f"{fixture.name} has no documented source"
