"""Case studies for one organisation."""

from __future__ import annotations

import datetime as dt

from socialvalue.web.casestudies import services
from socialvalue.web.casestudies.models import CaseStudy


def case_study(
    organisation,
    *,
    title: str = "Lunch club brings neighbours together",
    summary: str = "Older people in Riverside North meet weekly over a hot meal.",
    story: str = "Volunteers cook and serve; members **chose the menu** themselves.",
    consent: bool = True,
    shared: bool = False,
    **fields,
) -> CaseStudy:
    found = services.save_case_study(
        CaseStudy(organisation=organisation),
        by=None,
        title=title,
        summary=summary,
        story=story,
        consent_given_on=dt.date(2025, 3, 1) if consent else None,
        consent_note="Signed consent forms in the Day services file" if consent else "",
        **fields,
    )
    if shared:
        services.share(found, by=None)
    return found
