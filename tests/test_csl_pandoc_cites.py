"""Pandoc's citation syntax (pandoc manual, "Citation syntax"; Text.Pandoc.Citeproc.Locator)."""

from __future__ import annotations

import pytest

from avimcite.csl.pandoc_cites import ClusterSyntaxError, locator_terms, parse_line

TERMS = locator_terms()


@pytest.mark.parametrize(
    ("line", "cluster"),
    [
        ("[@blog/2023/63, para. 4; @yorum/2020/5]",
         [{"id": "blog/2023/63", "locator": "4", "label": "paragraph"}, {"id": "yorum/2020/5"}]),
        ("[-@analiz/2018/7]", [{"id": "analiz/2018/7", "suppress-author": True}]),
        ("[see @commentary/2024/38, sec. 2]", [{"id": "commentary/2024/38", "locator": "2", "label": "section", "prefix": "see"}]),
        ("[@doe99, pp. 33-35, 38, and elsewhere]",
         [{"id": "doe99", "locator": "33-35, 38", "label": "page", "suffix": ", and elsewhere"}]),
        ("[@doe99, 33]", [{"id": "doe99", "locator": "33", "label": "page"}]),
        ("[@doe99, and elsewhere]", [{"id": "doe99", "suffix": ", and elsewhere"}]),
        ("[@doe99, chap. 2; @doe99, ch. 3; @doe99, chs. 4-5]",
         [{"id": "doe99", "locator": "2", "label": "chapter"}, {"id": "doe99", "locator": "3", "label": "chapter"},
          {"id": "doe99", "locator": "4-5", "label": "chapter"}]),
        ("[@doe99, fig. 2; @doe99, vol. iv; @doe99, n. 7; @doe99, l. 4; @doe99, col. 2]",
         [{"id": "doe99", "locator": "2", "label": "figure"}, {"id": "doe99", "locator": "iv", "label": "volume"},
          {"id": "doe99", "locator": "7", "label": "note"}, {"id": "doe99", "locator": "4", "label": "line"},
          {"id": "doe99", "locator": "2", "label": "column"}]),
        ("[@doe99, § 4; @doe99, ¶ 2]", [{"id": "doe99", "locator": "4", "label": "section"},
                                          {"id": "doe99", "locator": "2", "label": "paragraph"}]),
        ("[@doe99, p. {iv, and 12}]", [{"id": "doe99", "locator": "iv, and 12", "label": "page"}]),
        ("[@{odd key;x}, 5]", [{"id": "odd key;x", "locator": "5", "label": "page"}]),
        ("[@doe99.]", [{"id": "doe99", "suffix": "."}]),
        ("@2023/63", [{"id": "2023/63"}]),
        ("@2023/63 [p. 4]", [{"id": "2023/63", "locator": "4", "label": "page"}]),
    ],
)  # fmt: skip
def test_pandoc_citation_syntax(line, cluster):
    assert parse_line(line, TERMS) == cluster


@pytest.mark.parametrize("line", ["[@doe99", "[]", "[see]", "@", "[@]", "[@{open]", "doe99", "@doe99 and more"])
def test_malformed_lines(line):
    with pytest.raises(ClusterSyntaxError):
        parse_line(line, TERMS)
