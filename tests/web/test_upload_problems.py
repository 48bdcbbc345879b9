"""The one sentence every refused upload starts with, its plurals made by ngettext."""

import pytest

from socialvalue.web.forms import upload_problems


@pytest.mark.parametrize(
    ("problems", "rows", "text"),
    [
        (1, 0, "bad.csv has 1 problem"),
        (5, 0, "bad.csv has 5 problems"),
        (1, 1, "bad.csv has 1 problem in 1 row"),
        (5, 4, "bad.csv has 5 problems in 4 rows"),
        (0, 0, "bad.csv has 0 problems"),
    ],
)
def test_the_count_and_its_rows_agree_with_their_nouns(problems, rows, text):
    assert upload_problems("bad.csv", problems, rows) == text
