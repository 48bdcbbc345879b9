"""Fixtures for measures: files to import and signed-in clients."""

from __future__ import annotations

import pytest

TOMS_STYLE_CSV = """National TOMs style framework (example)
Licensed to Alice Care

Ref,Theme,Outcome,Measure,Units,Proxy Value (£),Type,Year,Source,SDGs,Notes
NT1,Jobs,More local people in employment,No. of local people employed on the contract,FTE,"£29,743.00",economic,2023,Publisher sheet,8.5,ignored
NT2,Jobs,More local people in employment,No. of apprenticeships on the contract,weeks,£240.50,economic,2023/24,Publisher sheet,8.6;4.4,
NT3,Communities,Stronger communities,Volunteering hours given,hours,,social,,Publisher sheet,,
"""

BAD_CSV = """code,measure,unit,proxy_value,price_year
B1,Good row,people,10,2023
B2,Proxy is text,people,lots,2023
B3,,people,,
B4,Year missing,people,5,
"""


@pytest.fixture
def toms_csv(tmp_path):
    path = tmp_path / "toms.csv"
    path.write_text(TOMS_STYLE_CSV, encoding="utf-8")
    return path


@pytest.fixture
def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    return path


@pytest.fixture
def toms_xlsx(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Measures"
    sheet.append(
        [
            "Measure ID",
            "Theme",
            "Measure",
            "Unit",
            "Financial proxy",
            "Value type",
            "Price year",
            "SDG targets",
        ]
    )
    sheet.append(
        ["X1", "Environment", "Tonnes of CO2e saved", "tCO2e", 280.5, "environmental", 2024, "13.2"]
    )
    sheet.append(
        [
            "X2",
            "Health",
            "Hospital admissions avoided",
            "admissions",
            3200,
            "fiscal",
            2022,
            "3.4; 3.8",
        ]
    )
    path = tmp_path / "set.xlsx"
    workbook.save(path)
    return path


@pytest.fixture
def signed_in(client, demo_world):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
