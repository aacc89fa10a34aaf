"""What `scan` reports: one Finding per reference (terminal-free; the CLI prints them)."""

from __future__ import annotations


class Finding:
    __slots__ = ("file", "line", "column", "kind", "text", "id", "problems", "url", "data")

    def __init__(self, file: str, line: str, column: int, kind: str, text: str, url: str = "", data: dict | None = None) -> None:
        self.file, self.line, self.column, self.kind, self.text, self.url = file, line, column, kind, text, url
        # what the reference states: series, syear, number, year/years, title, authors, day,
        # accessed, key, date (only what is written; the check compares each with the post)
        self.data = data or {}
        self.id: str | None = None
        self.problems: list[str] = []

    def as_json(self) -> dict:
        line = int(self.line) if self.line.isdigit() else self.line  # Word notes: "footnote 3"
        return {"file": self.file, "line": line, "column": self.column, "kind": self.kind, "text": self.text,
                "id": self.id, "problems": self.problems}  # fmt: skip
