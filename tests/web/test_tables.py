"""Wide tables scroll sideways in a named region a keyboard can reach, never the whole page."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import engines

from socialvalue.reports.document import Column, Table
from socialvalue.reports.to_html import table_html

WEB = Path(__file__).resolve().parents[2] / "src" / "socialvalue" / "web"


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_region_is_named_after_the_table_s_caption():
    html = render(
        '{% scrollable %}<table class="govuk-table"><caption class="govuk-visually-hidden">'
        "{{ n }} contracts &amp; <b>returns</b>\n  due</caption></table>{% endscrollable %}",
        n=3,
    )
    assert html.startswith(
        '<div class="sv-table-scroll" role="region" aria-label="3 contracts &amp; returns due" '
        'tabindex="0"><table class="govuk-table">'
    )
    assert html.endswith("</table></div>")


def test_a_table_named_by_a_heading_names_its_region_by_the_same_heading():
    html = render(
        '{% scrollable %}<table class="govuk-table" aria-labelledby="by-{{ key }}"></table>'
        "{% endscrollable %}",
        key="theme",
    )
    assert html.startswith(
        '<div class="sv-table-scroll" role="region" aria-labelledby="by-theme" tabindex="0">'
    )


def test_a_name_given_wins_and_is_escaped():
    html = render(
        "{% scrollable label %}<table><caption>Ignored</caption></table>{% endscrollable %}",
        label="Bids <& scores>",
    )
    assert 'aria-label="Bids &lt;&amp; scores&gt;"' in html


def test_every_table_of_the_product_s_templates_sits_in_a_region_that_scrolls():
    unwrapped = []
    for path in sorted(WEB.glob("**/templates/**/*.html")):
        text = path.read_text()
        for found in re.finditer(r"<table\b", text):
            before = text[max(0, found.start() - 200) : found.start()]
            opened = before.rfind("{% scrollable")
            region = before.rfind('role="region"')
            closed = before.rfind("{% endscrollable %}")
            if max(opened, region) <= closed:
                line = text.count("\n", 0, found.start()) + 1
                unwrapped.append(f"{path.relative_to(WEB)}:{line}")
    assert not unwrapped, f"tables outside a scrolling region: {unwrapped}"


def test_every_report_table_on_screen_is_a_named_region_a_keyboard_reaches():
    narrow = Table(
        title="Value by theme",
        columns=[Column("Theme"), Column("Value", "money")],
        rows=[["Jobs", 10]],
    )
    html = table_html(narrow)
    assert html.startswith(
        '<div class="sv-table-wrap" role="region" tabindex="0" aria-label="Value by theme">'
    )
