"""Text written to spreadsheets must not run as a formula."""

import pytest

from socialvalue.core.formats.spreadsheet import safe_text, unsafe_text


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_prefixed(text):
    assert safe_text(text) == "'" + text
    assert unsafe_text(safe_text(text)) == text


@pytest.mark.parametrize("value", ["Council", "", "a=b", 5, -5, 1.5, None])
def test_other_values_pass_through(value):
    assert safe_text(value) == value
