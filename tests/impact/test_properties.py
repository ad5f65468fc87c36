"""Property tests (hypothesis) of the impact model's invariants."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from algoprint.impact.compute import (
    EnergyInput,
    FactorValue,
    ResolvedFactors,
    compute_from_factors,
)
from algoprint.impact.embodied import EmbodiedImpacts, HardwareShare
from algoprint.impact.uncertainty import Interval, product, total

energy_j = st.floats(min_value=0.0, max_value=1e12, allow_nan=False, allow_infinity=False)
rel = st.floats(min_value=0.0, max_value=2.0, allow_nan=False)
pue = st.floats(min_value=1.0, max_value=3.0, allow_nan=False)
positive = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    value = draw(st.floats(min_value=0.0, max_value=1e9, allow_nan=False))
    down = draw(st.floats(min_value=0.0, max_value=1.0))
    up = draw(st.floats(min_value=0.0, max_value=5.0))
    return Interval(value, value * (1 - down), value * (1 + up))


@st.composite
def factor_sets(draw: st.DrawFn) -> ResolvedFactors:
    def fv(x: Interval, unit: str) -> FactorValue:
        return FactorValue(x, unit=unit, source="h", origin="user")

    p = draw(pue)
    p_low = draw(st.floats(min_value=1.0, max_value=p))
    p_high = draw(st.floats(min_value=p, max_value=4.0))
    return ResolvedFactors(
        pue=fv(Interval(p, p_low, p_high), "1"),
        grid_g_per_kwh=fv(draw(intervals()), "g/kWh"),
        market_g_per_kwh=fv(draw(intervals()), "g/kWh"),
        wue_onsite_l_per_kwh=fv(draw(intervals()), "L/kWh"),
        water_offsite_l_per_kwh=fv(draw(intervals()), "L/kWh"),
    )


def _embodied() -> HardwareShare:
    e = EmbodiedImpacts(
        Interval(1e6, 5e5, 2e6), Interval(10.0, 5.0, 20.0), Interval(1e9, 5e8, 2e9), ("h",), "x"
    )
    return HardwareShare(e, 1e8, 0.5)


@given(intervals(), intervals())
def test_product_and_sum_bounds_are_ordered(a: Interval, b: Interval) -> None:
    for x in (product([a, b]), total([a, b])):
        assert 0 <= x.low <= x.value <= x.high


@given(
    energy_j,
    rel,
    factor_sets(),
    st.floats(min_value=0, max_value=1e9),
    st.one_of(st.none(), st.floats(min_value=1e-3, max_value=1e6)),
)
def test_low_le_value_le_high_for_every_output(
    e: float, u: float, f: ResolvedFactors, duration_s: float, units: float | None
) -> None:
    doc = compute_from_factors(
        EnergyInput.single(e, u), f, duration_s=duration_s, hardware=_embodied(), units=units
    )
    assert doc.impacts
    for impact in doc.impacts.values():
        assert 0 <= impact.low <= impact.value <= impact.high


@given(energy_j, energy_j, rel, factor_sets())
def test_more_energy_never_means_less_co2e(
    e1: float, e2: float, u: float, f: ResolvedFactors
) -> None:
    small, large = sorted((e1, e2))
    a = compute_from_factors(EnergyInput.single(small, u), f, duration_s=1).impacts
    b = compute_from_factors(EnergyInput.single(large, u), f, duration_s=1).impacts
    for key in ("co2e_location_g", "co2e_market_g", "water_l", "energy_facility_j"):
        assert a[key].value <= b[key].value * (1 + 1e-12)
        assert a[key].high <= b[key].high * (1 + 1e-9)


@given(energy_j, rel)
def test_pue_one_leaves_energy_unchanged(e: float, u: float) -> None:
    f = ResolvedFactors(pue=FactorValue.exact(1.0, unit="1", source="h"))
    doc = compute_from_factors(EnergyInput.single(e, u), f, duration_s=1)
    it, fac = doc.impacts["energy_it_j"], doc.impacts["energy_facility_j"]
    assert (fac.low, fac.value, fac.high) == (it.low, it.value, it.high)


@given(st.floats(min_value=0, max_value=1e10), st.floats(min_value=0, max_value=1e10))
def test_embodied_share_grows_with_duration(d1: float, d2: float) -> None:
    share = _embodied()
    small, large = sorted((d1, d2))
    assert share.allocation(small) <= share.allocation(large) <= share.share
