"""The glossary: plain-English help on the SROI and valuation terms, and the one place that links
a term to its entry wherever a page names it (`pages.templatetags.glossary`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    #: Paragraphs of the entry, in plain English.
    text: tuple[str, ...]
    #: The words that name the term on a page (matched whole, in any case). The name by default.
    words: tuple[str, ...] = ()
    #: Where the idea is used: `sroi`, `wellbeing` or `tenders`, for the page's sections.
    area: str = "sroi"

    @property
    def matches(self) -> tuple[str, ...]:
        return self.words or (self.name,)


TERMS: tuple[Term, ...] = (
    Term(
        "sroi",
        "Social return on investment (SROI)",
        (
            "A way of counting the value an activity creates for the people it affects, in "
            "money terms, and comparing it with what was put in. It follows the SROI Guide "
            "(Cabinet Office 2009, updated by the SROI Network in 2012).",
            "A forecast SROI estimates the value an activity will create; an evaluative one "
            "counts what it did create.",
        ),
        words=("social return on investment",),
    ),
    Term(
        "impact-map",
        "Impact map",
        (
            "The table an SROI is worked out from: who is involved (stakeholders), what they "
            "put in (inputs), what changes for them (outcomes), how much, what each change is "
            "worth and for how long.",
        ),
    ),
    Term(
        "proxy-value",
        "Proxy value (financial proxy)",
        (
            "Many changes, such as feeling less lonely, have no price. A proxy is a figure in "
            "pounds that stands in for the value of one unit of the change, taken from "
            "published research or official figures, for example what people would pay for "
            "it or what it saves the public purse.",
            "A proxy is always in the prices of a particular year (its price year) and should "
            "name its source, so others can check it. A negative proxy values a change for "
            "the worse.",
        ),
        words=("financial proxy", "proxy value", "proxy"),
    ),
    Term(
        "deadweight",
        "Deadweight",
        (
            "The share of an outcome that would have happened anyway, without the activity. "
            "If 20% of the people helped into work would have found a job regardless, the "
            "deadweight is 20% and only the other 80% is counted.",
            "The best evidence is a comparison group: people like those helped who did not "
            "take part.",
        ),
    ),
    Term(
        "displacement",
        "Displacement",
        (
            "The share of an outcome that only moved value from somewhere else rather than "
            "adding to it. For example, if a new café's trade is trade lost by the café next "
            "door, that part is displacement and is taken off.",
        ),
    ),
    Term(
        "attribution",
        "Attribution",
        (
            "The share of an outcome owed to other people or organisations, such as another "
            "service the same people used. It is taken off so that each organisation claims "
            "only its own part.",
            "Deadweight, displacement and attribution are each taken off in turn: a value of "
            "£100 with 20% deadweight and 25% attribution counts as £100 × 0.8 × 0.75 = £60.",
        ),
    ),
    Term(
        "drop-off",
        "Drop-off",
        (
            "How much of an outcome fades each year after its first, as people move on or "
            "other things play a part. It is taken off the year before's value, so at 10% an "
            "outcome counts 100, then 90, then 81.",
        ),
    ),
    Term(
        "benefit-period",
        "Benefit period (duration)",
        (
            "How many years an outcome lasts and is counted for. An outcome can also start "
            "later than the activity's first year: year 1 is the year of the activity, year 2 "
            "the year after.",
        ),
        words=("benefit period", "duration"),
    ),
    Term(
        "discount-rate",
        "Discount rate",
        (
            "Money now is worth more to people than the same money later. Discounting turns "
            "each future year's value into today's value by dividing it by (1 + rate) for "
            "every year it lies ahead. HM Treasury's Green Book uses 3.5% a year.",
        ),
        words=("discount rate", "discounting", "discounted"),
    ),
    Term(
        "green-book-schedule",
        "Green Book schedule",
        (
            "The Green Book's declining long-term discount rates: 3.5% a year for the first 30 "
            "years, then 3% to year 75, 2.5% to year 125, 2% to year 200, 1.5% to year 300 "
            "and 1% after that. Each rate applies only to the years in its band, so value far "
            "in the future is discounted a little less.",
            "The health schedule uses the same bands at 1.5%, falling to 0.429%, for health "
            "outcomes.",
        ),
        words=("Green Book health schedule", "Green Book schedule"),
    ),
    Term(
        "discounting-convention",
        "Discounting convention",
        (
            "Whether a year's value is treated as arriving at the end, start or middle of "
            "that year. At the end of the year (the SROI Guide's way, and Excel's NPV) even "
            "the first year is discounted by one year. At the start (the Green Book's year 0) "
            "the first year is not discounted at all. In the middle, each year is discounted "
            "by half a year less than at the end.",
        ),
        words=("when in the year values arrive", "discounting convention"),
    ),
    Term(
        "present-value",
        "Present value",
        (
            "The value of all the outcomes over all their years, after the deductions, "
            "discounted to today's money and added up.",
        ),
        words=("total present value", "present value"),
    ),
    Term(
        "npv",
        "Net present value (NPV)",
        (
            "The present value of the outcomes less the investment (the inputs, which are "
            "not discounted). A positive NPV means the activity creates more value than it "
            "costs.",
        ),
        words=("net present value", "NPV"),
    ),
    Term(
        "excels-npv",
        "Excel's NPV",
        (
            "Excel's NPV function treats its first value as arriving one year from now, so it "
            "discounts the first value too. That matches the SROI Guide's end-of-year way of "
            "counting. If the first value is really today's (an investment made now, or the "
            "Green Book's year 0), it should be left out of the function and added on "
            "undiscounted, or the result comes out too low.",
        ),
        words=("Excel's NPV", "Excel’s NPV"),
    ),
    Term(
        "sroi-ratio",
        "SROI ratio",
        (
            "The present value divided by the investment: a ratio of £3.50 to £1 means every "
            "pound put in creates £3.50 of social value. The net SROI ratio is the net present "
            "value divided by the investment, so it is one less (£2.50 here).",
            "A ratio is only as good as the deductions and proxies behind it: compare ratios "
            "only between analyses made the same way.",
        ),
        words=("net SROI ratio", "SROI ratio"),
    ),
    Term(
        "payback",
        "Payback period",
        (
            "How many months of the outcomes' yearly value (before discounting) it takes to "
            "match the investment, as the SROI Guide works it out.",
        ),
        words=("payback period", "payback"),
    ),
    Term(
        "switching-value",
        "Switching value (sensitivity)",
        (
            "For each figure in the impact map, the value it would have to take, all else "
            "held, for the present value to fall to the investment (a ratio of 1 to 1). A "
            "switching value close to the figure used shows where the result is fragile.",
        ),
        words=("switching values", "switching value"),
    ),
    Term(
        "monte-carlo",
        "Monte Carlo",
        (
            "Where you give a low and a high value instead of one figure, Monte Carlo draws "
            "every such figure at random many times (the draws) and works out the result "
            "each time, to show how far it could move. The seed fixes the random draws, so "
            "the same map gives the same range.",
        ),
    ),
    Term(
        "price-year",
        "Price year",
        (
            "The year whose prices a sum of money is in. £100 in 2015 bought more than £100 "
            "today, so values from different years must be restated to one price year before "
            "they are added up.",
        ),
    ),
    Term(
        "deflator",
        "GDP deflator",
        (
            "HM Treasury's index of prices across the whole economy, used to restate a value "
            "from one price year to another: the value is multiplied by the index in the year "
            "wanted and divided by the index in the value's own year.",
        ),
        words=("GDP deflator", "deflators", "deflator"),
    ),
    Term(
        "wellby",
        "WELLBY",
        (
            "A wellbeing-adjusted life year: one point of life satisfaction, on the 0 to 10 "
            "scale of the ONS question “Overall, how satisfied are you with your life "
            "nowadays?”, for one person for one year.",
            "The Green Book's wellbeing guidance (2021) values one WELLBY at £13,000 in 2019 "
            "prices, with a range of £10,000 to £16,000. The change is measured by asking "
            "the same people before and after, and deadweight, displacement and attribution "
            "are taken off as for any outcome.",
        ),
        words=("WELLBYs", "WELLBY"),
        area="wellbeing",
    ),
    Term(
        "social-value-weighting",
        "Social value weighting",
        (
            "In a tender, the share of the total score given to social value, next to price "
            "and quality; the three add up to 100%. Government guidance asks for at least 10%. "
            "The social value score is split between the scored method statement "
            "(qualitative) and the value of the commitments offered (quantitative).",
        ),
        words=("social value weighting", "social value weight"),
        area="tenders",
    ),
)

BY_SLUG = {term.slug: term for term in TERMS}

# Longest words first, so "net present value" wins over "present value" and "Excel's NPV" over
# "NPV"; a term's words are matched whole, in any case.
_WORDS = sorted(
    ((word, term) for term in TERMS for word in term.matches), key=lambda pair: -len(pair[0])
)
_PATTERN = re.compile(
    "|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word, _ in _WORDS), re.IGNORECASE
)
_TERM_OF = {word.lower(): term for word, term in _WORDS}


def url(slug: str) -> str:
    return f"{reverse('pages:glossary')}#{BY_SLUG[slug].slug}"


def terms_in(text: str) -> list[Term]:
    """The terms a text names, in the order it names them, each once."""
    found: dict[str, Term] = {}
    for match in _PATTERN.finditer(str(text)):
        term = _TERM_OF[match.group(0).lower()]
        found.setdefault(term.slug, term)
    return list(found.values())


def link_terms(text: str, *, skip: set[str] | None = None) -> SafeString:
    """The text, escaped, with the first mention of each glossary term linked to its entry.

    `skip` holds slugs not to link (already linked nearby); the slugs linked are added to it.
    """
    skip = set() if skip is None else skip
    text = str(text)
    parts: list[str] = []
    last = 0
    for match in _PATTERN.finditer(text):
        term = _TERM_OF[match.group(0).lower()]
        if term.slug in skip:
            continue
        skip.add(term.slug)
        parts.append(escape(text[last : match.start()]))
        parts.append(
            format_html('<a class="govuk-link" href="{}">{}</a>', url(term.slug), match.group(0))
        )
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped or built by format_html


def field_hint(label: str, help_text: str, *, linked: set[str] | None = None) -> SafeString:
    """A form field's hint with its glossary terms linked; a term only its label names gets a
    link of its own after the hint (a link inside a label would take the click from the field).

    `linked` holds the terms linked already on the form, which are not linked again."""
    linked = set() if linked is None else linked
    hint = link_terms(help_text, skip=linked) if help_text else mark_safe("")
    extra = [term for term in terms_in(label) if term.slug not in linked]
    linked.update(term.slug for term in extra)
    if not extra:
        return hint
    links = mark_safe(
        " ".join(
            format_html(
                '<a class="govuk-link" href="{}">Glossary: {}</a>',
                url(term.slug),
                term.name.split(" (")[0],
            )
            for term in extra
        )
    )
    return format_html("{} {}", hint, links) if help_text else links
