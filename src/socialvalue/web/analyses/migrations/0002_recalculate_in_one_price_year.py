"""Recalculate every stored SROI result with the second edition of the method.

Results kept before it added proxies of different price years as they stood; the engine now
restates each proxy to the map's price year with the GDP deflator, and the result carries
`warnings`, `payback_within_horizon` and Monte Carlo's `uncertain_fields`. The stored maps (and
every proxy's own value and price year) are not touched: only the cached result and its ratio.
A map the engine now refuses (a price year outside the deflator series) keeps no result; its
page says why.
"""

from django.db import migrations


def recalculate(apps, schema_editor):
    from socialvalue.core.errors import InputError
    from socialvalue.core.sroi import calculate, parse_impact_map

    Analysis = apps.get_model("analyses", "Analysis")
    for analysis in Analysis.objects.exclude(result=None).iterator():
        try:
            result = calculate(
                parse_impact_map(analysis.impact_map),
                monte_carlo=analysis.draws,
                seed=analysis.seed,
            ).to_dict()
        except InputError:
            result = None
        Analysis.objects.filter(pk=analysis.pk).update(
            result=result, sroi_ratio=(result or {}).get("sroi_ratio")
        )


class Migration(migrations.Migration):
    dependencies = [("analyses", "0001_initial")]

    operations = [migrations.RunPython(recalculate, migrations.RunPython.noop)]
