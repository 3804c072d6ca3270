"""Energy and carbon accounting, checked against numbers worked out by hand from the coefficient
table (indicators/data/energy_coefficients.csv, the seed set) and the grid factors."""

from decimal import Decimal

import pytest

from indicators.accounting import (
    average_yearly_cut,
    derived_series,
    energy_account,
    fuel_from_coefficient,
)
from indicators.models import CoefficientSet

D = Decimal
YEARS = [2016, 2017, 2018, 2019, 2020]

# code: (quantity, expected tce, expected tCO2). Worked out independently of the code (float
# arithmetic on the CSV's columns, rounded to 4 places):
#   tce  = quantity × tce_per_unit
#   tCO2 = quantity × NCV (GJ/unit) / 1000 × C (tC/TJ) × oxidation × 44/12
HAND = {
    "raw_coal": (D("1000"), D("714.3"), D("1900.2988")),  # 1000 × 20.908/1000 × 26.37 × 0.94
    "coke": (D("100"), D("97.14"), D("286.0419")),  # 100 × 28.435/1000 × 29.5 × 0.93
    "crude_oil": (D("10"), D("14.286"), D("30.2020")),  # 10 × 41.816/1000 × 20.1 × 0.98
    "fuel_oil": (D("10"), D("14.286"), D("31.7046")),  # 10 × 41.816/1000 × 21.1 × 0.98
    "gasoline": (D("10"), D("14.714"), D("29.2506")),  # 10 × 43.070/1000 × 18.9 × 0.98
    "kerosene": (D("10"), D("14.714"), D("30.1791")),  # 10 × 43.070/1000 × 19.5 × 0.98
    "diesel": (D("20"), D("29.142"), D("61.9182")),  # 20 × 42.652/1000 × 20.2 × 0.98
    "lpg": (D("5"), D("8.5715"), D("15.5066")),  # 5 × 50.179/1000 × 17.2 × 0.98
    "refinery_gas": (D("2"), D("3.1428"), D("6.0239")),  # 2 × 46.055/1000 × 18.2 × 0.98
    # one calorific value, 38,931 kJ/m³: 100 万m³ × 13.300 tce; 100 × 389.31/1000 × 15.3 × 0.99
    "natural_gas": (D("100"), D("1330.0"), D("2162.1888")),
    # one calorific value, 17,981 kJ/m³: 10 × 6.143 tce; 10 × 179.81/1000 × 12.1 × 0.99
    "coke_oven_gas": (D("10"), D("61.43"), D("78.9779")),
    "lng": (D("10"), D("17.572"), D("31.8285")),  # 10 × 51.498/1000 × 17.2 × 0.98
    # heat: 1000 百万千焦 (= GJ) × 0.03412 tce/GJ; × 0.11 tCO2/GJ
    "heat": (D("1000"), D("34.12"), D("110")),
    # electricity: 500 万kWh × 1.229 tce; 500 × 10 MWh × 0.5366 t/MWh (2022 national average)
    "electricity": (D("500"), D("614.5"), D("2683")),
}


@pytest.fixture
def seed_fuels(catalogue):
    coefficient_set = CoefficientSet.objects.get(version="seed-2024")
    return [fuel_from_coefficient(c) for c in coefficient_set.fuels.all()]


NATIONAL_2022 = D("0.5366")


def account_for(fuels, values, grid=NATIONAL_2022):
    return energy_account(values=values, fuels=fuels, years=YEARS, grid_factor=grid)


@pytest.mark.parametrize("code", sorted(HAND))
def test_each_fuel_converts_to_standard_coal_and_co2_as_worked_out_by_hand(seed_fuels, code):
    # given one fuel's 2020 quantity
    quantity, tce, co2 = HAND[code]
    # when it is accounted
    account = account_for(seed_fuels, {code: {"2020": str(quantity)}})
    line = next(line for line in account.lines if line.fuel.key == code)
    # then tce and CO2 are the hand-computed figures
    assert line.tce[2020] == tce
    assert line.co2[2020].quantize(D("0.0001")) == co2.quantize(D("0.0001"))


def test_computed_co2_factors_agree_with_the_factors_the_coefficient_table_states(seed_fuels):
    # The CSV also states CO2 per unit; the factor computed from NCV, carbon content and
    # oxidation must round to it, or one of the columns was copied wrongly.
    coefficient_set = CoefficientSet.objects.get(version="seed-2024")
    for c in coefficient_set.fuels.exclude(co2_t_per_unit=None).exclude(ncv_gj_per_unit=None):
        computed = fuel_from_coefficient(c).co2_t_per_unit
        places = -c.co2_t_per_unit.normalize().as_tuple().exponent
        assert computed.quantize(D(1).scaleb(-places)) == c.co2_t_per_unit.normalize(), c.code


def test_washed_coal_counts_towards_energy_but_has_no_co2_factor(seed_fuels):
    # 100 t × 0.9 = 90 tce; the seed set has no CO2 factor for washed coal
    account = account_for(seed_fuels, {"washed_coal": {"2020": "100"}})
    line = next(line for line in account.lines if line.fuel.key == "washed_coal")
    assert line.tce[2020] == D("90.0")
    assert line.co2[2020] is None
    assert account.missing_co2 == ["洗精煤"]


def test_totals_and_shares_add_up_over_every_fuel(seed_fuels):
    # given every fuel with its hand-checked quantity
    values = {code: {"2020": str(q)} for code, (q, _t, _c) in HAND.items()}
    # when
    account = account_for(seed_fuels, values)
    # then the totals are the sums of the hand figures ...
    assert account.total_tce[2020] == sum(t for _q, t, _c in HAND.values())
    expected_co2 = sum(c for _q, _t, c in HAND.values())
    assert abs(account.total_co2[2020] - expected_co2) < D("0.001")
    # ... and the shares of standard coal add up to 100 %
    shares = [account.share[code][2020] for code in HAND]
    assert abs(sum(shares) - 100) < D("0.0000001")
    # electricity: 614.5 / 2967.9183 tce = 20.70 %
    assert account.share["electricity"][2020].quantize(D("0.01")) == D("20.70")
    assert account.total_tce[2019] is None


def test_electricity_uses_the_chosen_grid_factor(seed_fuels):
    values = {"electricity": {"2020": "100"}}
    # 100 万kWh = 1000 MWh; × 0.7252 (河北 2022) = 725.2 t; × 0.1073 (云南 2022) = 107.3 t
    assert account_for(seed_fuels, values, D("0.7252")).total_co2[2020] == D("725.2000")
    assert account_for(seed_fuels, values, D("0.1073")).total_co2[2020] == D("107.3000")
    assert account_for(seed_fuels, values, None).total_co2[2020] is None


def test_derived_indicators_from_the_tables(seed_fuels):
    # given 2016 and 2020 data
    values = {
        "energy": {
            "raw_coal": {"2016": "1000", "2020": "1000"},
            "electricity": {"2016": "500", "2020": "500"},
        },
        "economy": {"iav": {"2016": "5000", "2020": "8000"}, "gdp": {"2020": "20000"}},
        "water": {"total": {"2020": "1000"}, "fresh": {"2020": "150"}, "reused": {"2020": "850"}},
        "pollutants": {
            "wastewater": {"2020": "40"},
            "cod": {"2020": "120"},
            "nh3n": {"2020": "8"},
            "so2": {"2020": "60"},
            "nox": {"2020": "90"},
            "sw_generated": {"2020": "30"},
            "sw_utilised": {"2020": "27"},
            "sw_stored": {"2020": "2"},
        },
    }
    account = account_for(seed_fuels, values["energy"])
    # when
    derived = derived_series(values, account)
    # then, by hand: energy 714.3 + 614.5 = 1328.8 tce; CO2 1900.2988 + 2683 = 4583.2988 t
    assert derived["energy_intensity_iav"][2020] == D("1328.8") / D("8000")  # 0.1661
    assert derived["energy_intensity_gdp"][2020] == D("1328.8") / D("20000")  # 0.06644
    assert derived["co2_intensity_iav"][2020].quantize(D("0.000001")) == D("0.572912")
    assert derived["co2_intensity_iav"][2016].quantize(D("0.000001")) == D("0.916660")
    # 40 万吨 = 400,000 t / 8000 万元 = 50 t/万元; 150 万m³ → 1,500,000 m³ / 8000 = 187.5
    assert derived["wastewater_intensity_iav"][2020] == D("50")
    assert derived["fresh_water_intensity_iav"][2020] == D("187.5")
    # 850 / 1000 = 85 %; 27 / (30 + 2) = 84.375 %
    assert derived["water_reuse_rate"][2020] == D("85")
    assert derived["solid_waste_utilization_rate"][2020] == D("84.375")
    # 120 t COD = 120,000 kg / 8000 = 15 kg/万元; NOx 90,000 / 8000 = 11.25
    assert derived["cod_intensity_iav"][2020] == D("15")
    assert derived["nox_intensity_iav"][2020] == D("11.25")
    # average yearly cut 2016-2020: 1 - (0.572912/0.916660)^(1/4) = 11.09 %
    assert derived["co2_intensity_cut_rate"][2020].quantize(D("0.01")) == D("11.09")
    # years without data stay unknown, never zero
    assert derived["water_reuse_rate"][2019] is None


def test_a_four_percent_yearly_cut_gives_the_policy_series():
    # 国科发火〔2021〕28号: 0.96, 0.9216, 0.8847, 0.8493, 0.8154 of the 2020 baseline
    assert average_yearly_cut(D("1"), D("0.81537"), 5).quantize(D("0.01")) == D("4.00")
    assert average_yearly_cut(D("1"), D("0.8493"), 4).quantize(D("0.01")) == D("4.00")
    assert average_yearly_cut(None, D("1"), 5) is None
    assert average_yearly_cut(D("0"), D("1"), 5) is None


# --- one calorific value per fuel (GB/T 2589-2020) -------------------------------------------


def test_natural_gas_uses_one_calorific_value_for_standard_coal_and_co2(seed_fuels):
    # given 250 万m³ of natural gas in 2020
    account = account_for(seed_fuels, {"natural_gas": {"2020": "250"}})
    line = next(line for line in account.lines if line.fuel.key == "natural_gas")
    # then, by hand on 38,931 kJ/m³ for both: 250 × 1.3300 kgce/m³ × 10,000 m³ / 1,000
    assert line.tce[2020] == D("3325.000")
    # ... and 250 × 389.31 GJ / 1,000 × 15.3 tC/TJ × 0.99 × 44/12 = 5405.472 t CO2
    assert line.co2[2020].quantize(D("0.001")) == D("5405.472")
    # the calorific value behind the tce (13.300 × 29.3076 GJ) is the CO2's 389.31 GJ to 0.12 %
    assert abs(D("13.300") * D("29.3076") - D("389.31")) / D("389.31") < D("0.0013")


def test_every_seed_fuel_has_one_calorific_value_for_tce_and_co2(catalogue):
    from indicators.accounting import CALORIFIC_TOLERANCE, calorific_mismatch

    for c in catalogue.coefficient_set.fuels.all():
        mismatch = calorific_mismatch(c.tce_per_unit, c.ncv_gj_per_unit)
        assert mismatch is None or mismatch <= CALORIFIC_TOLERANCE, c.code
        c.full_clean()  # what the admin runs on a save


def test_the_admin_refuses_a_fuel_with_two_calorific_values(catalogue, zh):
    from django.core.exceptions import ValidationError

    # given natural gas put back on the gas-field row for tce (1.2143 kgce/m³, 35,544 kJ/m³)
    gas = catalogue.coefficient_set.fuels.get(code="natural_gas")
    gas.tce_per_unit = D("12.143")
    # when it is checked as the admin does, then it is refused next to the NCV, in Chinese
    with pytest.raises(ValidationError) as refused:
        gas.full_clean()
    message = refused.value.message_dict["ncv_gj_per_unit"][0]
    assert "13.2836" in message and "9.4%" in message


def test_the_seed_coefficients_cite_the_current_standard_and_a_source_each(catalogue):
    for c in catalogue.coefficient_set.fuels.all():
        assert c.source.strip(), c.code
        assert "GB/T 2589" in c.source or c.code == "lng", c.code
    cited_2020 = {
        c.code for c in catalogue.coefficient_set.fuels.all() if "GB/T 2589-2020" in c.source
    }
    assert {"raw_coal", "diesel", "gasoline", "natural_gas", "electricity"} <= cited_2020
