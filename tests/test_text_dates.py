from __future__ import annotations

from datetime import date

import pytest

from avimcite.dates import parse_date
from avimcite.errors import UsageError


@pytest.mark.parametrize(
    "text",
    ["2026-06-25", "25 June 2026", "June 25, 2026", "25.06.2026", "25/06/2026", "25 Haziran 2026",
     "25 HAZİRAN 2026", "Jun 25 2026"],
)  # fmt: skip
def test_everyday_forms(text):
    assert parse_date(text) == date(2026, 6, 25)


def test_dotted_dates_are_day_first():
    assert parse_date("05.06.2026") == date(2026, 6, 5)
    assert parse_date("3 Şubat 2025") == date(2025, 2, 3)


@pytest.mark.parametrize("text", ["June 2026", "2026", "25 June", "31.02.2026", "2026-02-30", "yesterday", ""])
def test_incomplete_or_impossible_dates_are_refused(text):
    with pytest.raises(UsageError, match="--accessed"):
        parse_date(text, "--accessed")
