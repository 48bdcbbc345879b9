"""Importing value sets (all or nothing), replacing them, and exporting them to import again."""

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied, ValidationError

from socialvalue.cli import main
from socialvalue.core.errors import InputError
from socialvalue.web.measures import services
from socialvalue.web.measures.models import Measure, ValueSet

pytestmark = pytest.mark.django_db


def _import(path, organisation, **extra):
    fields = {
        "name": "National TOMs",
        "version": "2023",
        "licence": "Licensed to Alice Care",
        "source": "Publisher",
    }
    return services.import_value_set(path=path, organisation=organisation, **{**fields, **extra})


def test_toms_style_csv_imports_with_its_title_rows_and_own_headers(toms_csv, demo_world):
    value_set = _import(toms_csv, demo_world.alice_org)
    measures = {m.code: m for m in value_set.measures.all()}
    assert sorted(measures) == ["NT1", "NT2", "NT3"]
    assert float(measures["NT1"].proxy_value) == 29743.0
    assert measures["NT2"].price_year == 2023
    assert measures["NT3"].proxy_value is None
    assert sorted(t.code for t in measures["NT2"].sdg_targets.all()) == ["4.4", "8.6"]
    assert (
        measures["NT1"].theme.name == "Jobs"
        and measures["NT1"].outcome.name == "More local people in employment"
    )
    assert value_set.organisation == demo_world.alice_org
    assert value_set.licence == "Licensed to Alice Care"


def test_xlsx_imports(toms_xlsx, demo_world):
    value_set = _import(toms_xlsx, demo_world.alice_org)
    x2 = value_set.measures.get(code="X2")
    assert x2.value_type == "fiscal" and float(x2.proxy_value) == 3200
    assert sorted(t.code for t in x2.sdg_targets.all()) == ["3.4", "3.8"]


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(bad_csv, demo_world):
    before = (ValueSet.objects.count(), Measure.objects.count())
    with pytest.raises(InputError) as caught:
        _import(bad_csv, demo_world.alice_org)
    places = [p.place for p in caught.value.problems]
    assert "row 3, proxy_value" in places
    assert "row 4, measure" in places
    assert "row 5, price_year" in places
    assert not any(p.startswith("row 2") for p in places)
    assert (ValueSet.objects.count(), Measure.objects.count()) == before


def test_cli_reports_every_bad_row_with_exit_code_2_and_no_traceback(bad_csv, demo_world):
    result = CliRunner().invoke(
        main,
        [
            "measures",
            "import",
            str(bad_csv),
            "--name",
            "N",
            "--version",
            "1",
            "--licence",
            "L",
            "--source",
            "S",
            "--org",
            "alice-care",
        ],
    )
    assert result.exit_code == 2
    assert (
        "row 3, proxy_value" in result.output
        and "row 4, measure" in result.output
        and "row 5" in result.output
    )
    assert "Traceback" not in result.output
    assert not ValueSet.objects.filter(name="N").exists()


def test_reimporting_a_name_and_version_is_refused_unless_replace(toms_csv, toms_xlsx, demo_world):
    first = _import(toms_csv, demo_world.alice_org)
    with pytest.raises(ValidationError, match="already been imported"):
        _import(toms_xlsx, demo_world.alice_org)
    replaced = _import(toms_xlsx, demo_world.alice_org, replace=True)
    assert replaced.pk == first.pk
    assert sorted(replaced.measures.values_list("code", flat=True)) == ["X1", "X2"]
    assert ValueSet.objects.filter(name="National TOMs").count() == 1


def test_cli_replace(toms_csv, toms_xlsx, demo_world):
    runner = CliRunner()
    base = [
        "--name",
        "T",
        "--version",
        "1",
        "--licence",
        "L",
        "--source",
        "S",
        "--org",
        "alice-care",
    ]
    assert runner.invoke(main, ["measures", "import", str(toms_csv), *base]).exit_code == 0
    refused = runner.invoke(main, ["measures", "import", str(toms_xlsx), *base])
    assert refused.exit_code == 2 and "already been imported" in refused.output
    assert (
        runner.invoke(main, ["measures", "import", str(toms_xlsx), *base, "--replace"]).exit_code
        == 0
    )
    assert sorted(ValueSet.objects.get(name="T").measures.values_list("code", flat=True)) == [
        "X1",
        "X2",
    ]


def test_built_in_sets_cannot_be_replaced(toms_csv):
    built_in = ValueSet.objects.get(shipped_key="socialvalue-starter")
    with pytest.raises(ValidationError, match="built in"):
        services.import_value_set(
            path=toms_csv,
            name=built_in.name,
            version=built_in.version,
            licence="L",
            site_wide=True,
            replace=True,
        )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_gives_the_same_set(toms_csv, demo_world, tmp_path, suffix):
    original = _import(toms_csv, demo_world.alice_org)
    exported = tmp_path / f"export{suffix}"
    services.export_value_set(original, exported)
    again = _import(exported, demo_world.alice_org, version="2023 again")
    assert services.rows_of(again) == services.rows_of(original)


def test_cli_export_round_trips(toms_csv, demo_world, tmp_path):
    runner = CliRunner()
    base = ["--licence", "L", "--source", "S", "--org", "alice-care"]
    assert (
        runner.invoke(
            main, ["measures", "import", str(toms_csv), "--name", "R", "--version", "1", *base]
        ).exit_code
        == 0
    )
    out = tmp_path / "r.xlsx"
    result = runner.invoke(main, ["measures", "export", "R", "1", str(out), "--org", "alice-care"])
    assert result.exit_code == 0, result.output
    assert (
        runner.invoke(
            main, ["measures", "import", str(out), "--name", "R", "--version", "2", *base]
        ).exit_code
        == 0
    )
    one, two = (ValueSet.objects.get(name="R", version=v) for v in ("1", "2"))
    assert services.rows_of(one) == services.rows_of(two)


def test_cli_export_of_an_unknown_set_fails_cleanly(tmp_path):
    result = CliRunner().invoke(main, ["measures", "export", "Nope", "1", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "no value set named" in result.output


def test_only_a_site_admin_imports_site_wide(toms_csv, demo_world):
    with pytest.raises(PermissionDenied):
        _import(toms_csv, None, site_wide=True, imported_by=demo_world.admin)
    demo_world.admin.is_staff = True
    value_set = _import(toms_csv, None, site_wide=True, imported_by=demo_world.admin)
    assert value_set.is_site_wide
    assert value_set in services.visible_sets(services.actor_for_organisation(demo_world.other_org))


def test_cli_site_wide_and_org_are_exclusive(toms_csv):
    result = CliRunner().invoke(
        main,
        [
            "measures",
            "import",
            str(toms_csv),
            "--name",
            "S",
            "--version",
            "1",
            "--licence",
            "L",
            "--source",
            "S",
            "--org",
            "alice-care",
            "--site-wide",
        ],
    )
    assert result.exit_code == 2 and "cannot be used together" in result.output


def test_import_is_recorded_in_the_audit_trail(toms_csv, demo_world):
    from socialvalue.web.audit.models import AuditEvent

    value_set = _import(toms_csv, demo_world.alice_org)
    event = AuditEvent.objects.get(object_type="measures.ValueSet", object_id=str(value_set.pk))
    assert event.organisation_id == demo_world.alice_org.id and event.action == "create"


def test_replacing_a_set_whose_measures_evidence_uses_is_refused_and_changes_nothing(demo_world):
    from datetime import date
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from socialvalue.web.evidence.models import Evidence
    from socialvalue.web.measures import services
    from socialvalue.web.planning.models import Activity
    from tests.web.measures.factories import SMALL_ROWS, imported_measure, imported_set

    measure = imported_measure(demo_world.alice_org)
    value_set = imported_set(demo_world.alice_org)
    count = value_set.measures.count()
    Evidence.objects.create(
        organisation=demo_world.alice_org,
        measure=measure,
        activity=Activity.objects.create(organisation=demo_world.alice_org, name="Job club"),
        quantity=Decimal(1),
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
    )
    with pytest.raises(ValidationError) as refusal:
        services.import_value_set(
            rows=SMALL_ROWS[:1],
            name=value_set.name,
            version=value_set.version,
            licence=value_set.licence,
            organisation=demo_world.alice_org,
            replace=True,
            imported_by=demo_world.admin,
        )
    assert "new version" in str(refusal.value) and measure.code in str(refusal.value)
    assert value_set.measures.count() == count
