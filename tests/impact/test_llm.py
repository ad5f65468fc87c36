"""EcoLogits-method LLM estimates, checked against the documented formulas by hand."""

from __future__ import annotations

import math

import pytest

from algoprint.errors import ImpactError
from algoprint.impact.llm import estimate_llm, gpu_count, model_request

YEAR_S = 365 * 24 * 3600


@pytest.mark.parametrize(
    ("total_b", "gpus"),
    [(7, 1), (33, 1), (34, 2), (66, 2), (70, 4), (100, 4), (266, 8), (405, 16)],
)
def test_gpu_count_rounds_up_to_power_of_two(total_b: float, gpus: int) -> None:
    # memory = 1.2 × P × 16 / 8 GB on 80 GB GPUs
    assert gpu_count(total_b) == gpus


# EcoLogits' published constants (ecologits/impacts/llm.py @5be90da), unrounded
ALPHA, BETA, GAMMA = 1.1665273170451914e-06, -0.011205921025579175, 4.052928146734005e-05
ALPHA_L, BETA_L, GAMMA_L = 0.0006785088094353663, 0.0003119310311688259, 0.019473717579473387


def test_request_by_hand() -> None:
    # 23.6 B dense model (mistral-small), 100 output tokens, batch 64, one H100, no deployment
    r = model_request(active_params_b=23.6, total_params_b=23.6, output_tokens=100)
    wh_per_token = ALPHA * math.exp(BETA * 64) * 23.6 + GAMMA
    latency_s = 100 * (ALPHA_L * 23.6 + BETA_L * 64 + GAMMA_L)
    server_wh = latency_s / 3600 * 1200 * (1 / 8) / 64
    assert r.gpu_count == 1
    assert r.latency_s == pytest.approx(latency_s)
    assert r.gpu_energy_j == pytest.approx(100 * wh_per_token * 3600)
    assert r.server_energy_j == pytest.approx(server_wh * 3600)
    allocation = latency_s / (64 * 3 * YEAR_S)
    # server without GPUs 5 700 kg / 8 per GPU used + one H100 at 164 kg (NVIDIA)
    assert r.embodied_gwp_g == pytest.approx(allocation * (5700 / 8 + 164) * 1000)
    assert r.embodied_pe_j == pytest.approx(allocation * (70000 / 8 + 1828) * 1e6)


def test_deployment_throughput_and_ttft_set_the_latency() -> None:
    # EcoLogits with deployment statistics: ΔT = TTFT + T / TPS, capped by a measured latency
    r = model_request(
        active_params_b=23.6, total_params_b=23.6, output_tokens=100, tps=50.0, ttft_s=0.4
    )
    assert r.latency_s == pytest.approx(0.4 + 100 / 50)
    server_wh = 2.4 / 3600 * 1200 / 8 / 64
    assert r.server_energy_j == pytest.approx(server_wh * 3600)
    capped = model_request(
        active_params_b=23.6, total_params_b=23.6, output_tokens=100, tps=50.0, ttft_s=0.4,
        request_latency_s=1.5,
    )  # fmt: skip
    assert capped.latency_s == 1.5


def test_catalogue_deployment_and_version_are_recorded() -> None:
    from algoprint.impact import factors

    m = factors.llm_model("mistral-small-latest")
    assert m.tps is not None and m.tps > 0 and m.ttft_s is not None
    est = estimate_llm(model="mistral-small-latest", output_tokens=100, location="NL", year=2024)
    assert est.central.latency_s == pytest.approx(m.ttft_s + 100 / m.tps)
    assert any("5be90da" in n for n in est.per_request.notes)
    assert any("OpenRouter" in a for a in est.assumptions)


def test_measured_latency_caps_the_model() -> None:
    r = model_request(
        active_params_b=23.6, total_params_b=23.6, output_tokens=100, request_latency_s=1.0
    )
    assert r.latency_s == 1.0


def test_disclosed_model_carries_the_method_uncertainty() -> None:
    est = estimate_llm(
        model="mistral-small-latest", output_tokens=100, location="NL", pue=1.2, year=2024
    )
    assert est.provider == "mistralai"
    energy = est.per_request.impacts["energy_it_j"]
    # one parameter count: the interval is the method's own, ×0.49..×2.28 (no zero width)
    assert energy.value == pytest.approx(est.central.it_energy_j)
    assert energy.low == pytest.approx(0.49 * energy.value)
    assert energy.high == pytest.approx(2.28 * energy.value)
    gwp = est.per_request.impacts["embodied_gwp_g"]
    assert (gwp.low, gwp.high) == pytest.approx((0.26 * gwp.value, 1.64 * gwp.value))
    adpe = est.per_request.impacts["embodied_adpe_g_sbeq"]
    assert "embodied only" in adpe.method
    co2 = est.per_request.impacts["co2e_location_g"]
    assert co2.value == pytest.approx(1.2 * est.central.it_energy_j / 3.6e6 * 250.72)
    assert "embodied_gwp_g" in est.per_request.impacts


def test_point_value_is_the_mean_of_min_and_max_results() -> None:
    # EcoLogits: the point value is the mean of the results at the min and max parameters,
    # not the result at the mean parameter count (they differ where the GPU count steps)
    from algoprint.impact import factors

    m = factors.llm_model("gpt-4o-mini")
    est = estimate_llm(model="gpt-4o-mini", output_tokens=200, year=2024)
    deployment = {"tps": m.tps, "ttft_s": m.ttft_s}
    low = model_request(
        active_params_b=8, total_params_b=est.low.total_params_b, output_tokens=200, **deployment
    )
    high = model_request(
        active_params_b=28, total_params_b=est.high.total_params_b, output_tokens=200, **deployment
    )
    assert est.central.it_energy_j == pytest.approx((low.it_energy_j + high.it_energy_j) / 2)
    assert est.central.embodied_gwp_g == pytest.approx(
        (low.embodied_gwp_g + high.embodied_gwp_g) / 2
    )
    assert est.per_request.impacts["energy_it_j"].value == pytest.approx(est.central.it_energy_j)


def test_ranges_give_intervals_and_requests_scale() -> None:
    est = estimate_llm(model="gpt-4o-mini", output_tokens=200, requests=10, year=2024)
    params = (est.low.active_params_b, est.central.active_params_b, est.high.active_params_b)
    assert params == pytest.approx((8.0, 18.0, 28.0))
    one = est.per_request.impacts["energy_it_j"]
    assert one.low < one.value < one.high
    ten = est.total.impacts["energy_it_j"]
    assert ten.value == pytest.approx(10 * one.value)
    # SCI of the total is per request
    assert est.total.impacts["sci_g_per_unit"].value == pytest.approx(
        est.per_request.impacts["co2e_total_g"].value
    )


def test_provider_datacentre_defaults_are_recorded() -> None:
    est = estimate_llm(model="gpt-4o-mini", output_tokens=10, year=2024)
    assert any("EcoLogits' default location for openai" in a for a in est.assumptions)
    assert est.per_request.factors["pue"]["value"] == pytest.approx(1.20)
    assert est.per_request.factors["wue_onsite"]["value"] == pytest.approx(0.569)
    assert any("EcoLogits" in n for n in est.per_request.notes)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "gpt-4o-mini", "output_tokens": 0}, "output_tokens"),
        ({"model": "gpt-4o-mini", "output_tokens": 10, "requests": 0}, "requests"),
        ({"model": "gpt-4o-mini", "output_tokens": 10, "request_latency_s": -1}, "latency"),
        ({"model": "no-such-model-xyz", "output_tokens": 10}, "unknown LLM"),
        ({"model": "gpt-4o-mini", "output_tokens": 10, "location": "XX"}, "unknown zone"),
        ({"model": "gpt-4o-mini", "output_tokens": 10, "pue": 0.5}, "pue"),
    ],
)
def test_bad_input(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ImpactError, match=match):
        estimate_llm(**kwargs)  # type: ignore[arg-type]
