"""Impacts of using a hosted LLM, per the EcoLogits methodology.

Methodology: EcoLogits, "Environmental Impacts of LLM Inference"
(https://ecologits.ai/latest/methodology/llm_inference/, source ``docs/methodology/
llm_inference.md`` in mlco2/ecologits; documentation CC BY-SA 4.0, code MPL-2.0). Cite:
Rincé & Banse, *EcoLogits: Evaluating the Environmental Impacts of Generative AI*, JOSS 10(111)
7471, 2025, doi:10.21105/joss.07471. This module implements the documented formulas; no
EcoLogits code is copied. The model catalogue (parameter counts) is EcoLogits' (MPL-2.0), read
through :func:`algoprint.impact.factors.llm_model`.

Per request, for ``T`` output tokens and ``P_active``/``P_total`` parameters (billions):

    f_E = α·exp(β·B)·P_active + γ                     Wh per token, B = 64
    E_GPU = T × f_E
    M = 1.2 × P_total × Q / 8 (GB), Q = 16;  GPU = 2^ceil(log2(ceil(M / 80)))
    ΔT = TTFT + T / TPS                              s (deployment statistics, where known)
    ΔT = T × (α_L·P_active + β_L·B + γ_L)            s (ML.ENERGY fit otherwise)
                                                     (either capped by a measured latency)
    E_server\\GPU = ΔT × 1.2 kW × GPU/8 × 1/B
    E_IT = E_server\\GPU + GPU × E_GPU;  facility energy = PUE × E_IT
    embodied = ΔT / (B × ΔL) × (GPU/8 × I_server\\GPU + GPU × I_GPU),  ΔL = 3 years

Ranges of the parameter counts (undisclosed models) give the range: low at the minimum, high
at the maximum, and the point value is the **mean of the results at the minimum and the
maximum** (EcoLogits' point value; not the result at the mean parameter count, which differs
where the GPU count steps). The **method's own uncertainty** is added in log space, so no
figure has a zero-width interval even for models with a published parameter count:

* energy: :data:`ENERGY_METHOD_BOUNDS`, the 2.5th-97.5th percentiles of measured / modelled
  GPU energy per token over the ML.ENERGY Benchmark v3 runs on H100 at batch sizes 32-128
  (129 runs, 121 of them (94 %) inside; ``tests/impact/test_llm_method.py`` recomputes
  them from ../shared/data);
* embodied (∝ latency): :data:`LATENCY_METHOD_BOUNDS`, from measured inter-token latency /
  modelled latency over the same runs (median 0.54, 2.5th percentile 0.26; the high end is the
  runs' spread around that median, 1.64, for deployments slower than the benchmark).

ADPe is **embodied only**: the usage-phase ADPe of the electricity is left out (labelled).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from algoprint._format import plain
from algoprint.errors import ImpactError
from algoprint.impact.compute import (
    EnergyComponent,
    EnergyInput,
    FactorValue,
    ResolvedFactors,
    compute_from_factors,
)
from algoprint.impact.embodied import SECONDS_PER_YEAR, EmbodiedImpacts
from algoprint.impact.model import ImpactDocument
from algoprint.impact.uncertainty import Interval, product

__all__ = [
    "ADPE_NOTE",
    "ECOLOGITS",
    "ECOLOGITS_VERSION",
    "ENERGY_METHOD_BOUNDS",
    "LATENCY_METHOD_BOUNDS",
    "PROVIDER_DATACENTRES",
    "LlmEstimate",
    "LlmRequest",
    "estimate_llm",
    "gpu_count",
    "model_request",
]

ECOLOGITS_VERSION = "0.9.3+14 (mlco2/ecologits@5be90da, 2026-03-13; untagged after 0.9.3)"
"""The EcoLogits version whose method, constants and catalogue are implemented."""

ECOLOGITS_DOC = (
    f"EcoLogits {ECOLOGITS_VERSION}, methodology LLM inference "
    "(docs/methodology/llm_inference.md; CC BY-SA 4.0); Rincé & Banse, JOSS 2025, "
    "doi:10.21105/joss.07471"
)


ENERGY_METHOD_BOUNDS = (0.49, 2.28)
"""(low, high) factors of the method's uncertainty on the energy (see the module doc)."""

LATENCY_METHOD_BOUNDS = (0.26, 1.64)
"""(low, high) factors of the method's uncertainty on latency-driven figures (embodied)."""

ADPE_NOTE = (
    "ADPe (abiotic resource depletion) is embodied only: the usage-phase ADPe of the "
    "electricity is left out"
)


@dataclass(frozen=True, slots=True)
class _Constants:
    # The unrounded fit constants of EcoLogits (ecologits/impacts/llm.py @5be90da).
    gpu_energy_alpha: float = 1.1665273170451914e-06  # Wh / token / billion active parameters
    gpu_energy_beta: float = -0.011205921025579175  # 1 / request in the batch
    gpu_energy_gamma: float = 4.052928146734005e-05  # Wh / token
    latency_alpha: float = 0.0006785088094353663  # s / token / billion active parameters
    latency_beta: float = 0.0003119310311688259  # s / token / request in the batch
    latency_gamma: float = 0.019473717579473387  # s / token
    batch_size: int = 64
    gpu_memory_gb: float = 80.0  # NVIDIA H100 80GB
    quantization_bits: int = 16
    memory_overhead: float = 1.2
    server_power_kw: float = 1.2  # server without GPUs (p5.48xlarge, BoaviztAPI)
    server_gpus: int = 8
    server_gwp_kg: float = 5700.0  # embodied, server without GPUs
    server_adpe_kg_sbeq: float = 0.37
    server_pe_mj: float = 70000.0
    gpu_gwp_kg: float = 164.0  # embodied, one H100 80GB (NVIDIA HGX H100 PCF summary)
    gpu_adpe_kg_sbeq: float = 5.09e-3  # A100 80GB (Boavizta), H100 not available
    gpu_pe_mj: float = 1828.0  # A100 80GB (Boavizta), H100 not available
    lifetime_years: float = 3.0


ECOLOGITS = _Constants()
"""The constants of the EcoLogits documentation (see module docstring)."""

PROVIDER_DATACENTRES: dict[str, tuple[str, tuple[float, float], tuple[float, float]]] = {
    "anthropic": ("US", (1.09, 1.14), (0.13, 0.99)),
    "cohere": ("US", (1.09, 1.09), (0.99, 0.99)),
    "google_genai": ("US", (1.09, 1.09), (0.99, 0.99)),
    "huggingface_hub": ("US", (1.09, 1.14), (0.13, 0.99)),
    "mistralai": ("SE", (1.16, 1.16), (0.09, 0.09)),
    "openai": ("US", (1.20, 1.20), (0.569, 0.569)),
}
"""AI provider → (zone, PUE range, on-site WUE range L/kWh), EcoLogits' "Data center
configuration" table."""


@dataclass(frozen=True, slots=True)
class LlmRequest:
    """One request's modelled figures at one parameter count.

    Attributes:
        active_params_b, total_params_b: parameters used (billions).
        gpu_count: GPUs needed to hold the model.
        latency_s: generation latency ΔT (s).
        gpu_energy_j: energy of the GPUs for the request (J).
        server_energy_j: energy of the rest of the server for the request (J).
        embodied_gwp_g, embodied_adpe_g_sbeq, embodied_pe_j: embodied share of the request.
    """

    active_params_b: float
    total_params_b: float
    gpu_count: int
    latency_s: float
    gpu_energy_j: float
    server_energy_j: float
    embodied_gwp_g: float
    embodied_adpe_g_sbeq: float
    embodied_pe_j: float

    @property
    def it_energy_j(self) -> float:
        """E_IT = E_server\\GPU + GPU × E_GPU (J)."""
        return self.server_energy_j + self.gpu_energy_j


def gpu_count(total_params_b: float, c: _Constants = ECOLOGITS) -> int:
    """GPUs needed to hold the model, rounded up to a power of two (1, 2, 4, 8, ...)."""
    memory_gb = c.memory_overhead * total_params_b * c.quantization_bits / 8
    needed = max(1, math.ceil(memory_gb / c.gpu_memory_gb))
    return int(2 ** math.ceil(math.log2(needed)))


def model_request(
    *,
    active_params_b: float,
    total_params_b: float,
    output_tokens: int,
    request_latency_s: float | None = None,
    tps: float | None = None,
    ttft_s: float | None = None,
    c: _Constants = ECOLOGITS,
) -> LlmRequest:
    """The EcoLogits formulas for one request at one parameter count (see module doc).

    With the deployment's throughput ``tps`` (output tokens/s) the latency is
    ``ttft_s + T / tps`` (EcoLogits' OpenRouter statistics); without it, the ML.ENERGY fit.
    A measured ``request_latency_s`` caps either.
    """
    b = c.batch_size
    n_gpu = gpu_count(total_params_b, c)
    wh_per_token = c.gpu_energy_alpha * math.exp(c.gpu_energy_beta * b) * active_params_b
    wh_per_token += c.gpu_energy_gamma
    gpu_wh = output_tokens * wh_per_token * n_gpu
    if tps is not None:
        latency_s = output_tokens / tps + (ttft_s or 0.0)
    else:
        s_per_token = c.latency_alpha * active_params_b + c.latency_beta * b + c.latency_gamma
        latency_s = output_tokens * s_per_token + (ttft_s or 0.0)
    if request_latency_s is not None:
        latency_s = min(latency_s, request_latency_s)
    server_wh = latency_s / 3600 * c.server_power_kw * 1000 * n_gpu / c.server_gpus / b
    share = n_gpu / c.server_gpus
    allocation = latency_s / (b * c.lifetime_years * SECONDS_PER_YEAR)
    return LlmRequest(
        active_params_b=active_params_b,
        total_params_b=total_params_b,
        gpu_count=n_gpu,
        latency_s=latency_s,
        gpu_energy_j=gpu_wh * 3600,
        server_energy_j=server_wh * 3600,
        embodied_gwp_g=allocation * (share * c.server_gwp_kg + n_gpu * c.gpu_gwp_kg) * 1000,
        embodied_adpe_g_sbeq=allocation
        * (share * c.server_adpe_kg_sbeq + n_gpu * c.gpu_adpe_kg_sbeq)
        * 1000,
        embodied_pe_j=allocation * (share * c.server_pe_mj + n_gpu * c.gpu_pe_mj) * 1e6,
    )


@dataclass(frozen=True, slots=True)
class LlmEstimate:
    """Impacts of LLM requests.

    Attributes:
        model, provider: the model as found in the catalogue.
        low, central, high: the request modelled at the minimum and maximum parameters, and
            the point value (each figure the mean of low and high; ``central.gpu_count`` is
            the GPU count at the mean parameter count, for display).
        per_request: impacts of one request.
        total: impacts of all ``requests`` (SCI per request, R = requests).
        requests: number of requests.
        assumptions: defaults and assumptions applied.
    """

    model: str
    provider: str
    low: LlmRequest
    central: LlmRequest
    high: LlmRequest
    per_request: ImpactDocument
    total: ImpactDocument
    requests: int
    assumptions: tuple[str, ...]


def _midpoint(low: LlmRequest, high: LlmRequest, gpus: int) -> LlmRequest:
    """EcoLogits' point value: each figure the mean of its values at min and max parameters."""

    def mean(attr: str) -> float:
        return float(getattr(low, attr) + getattr(high, attr)) / 2

    return LlmRequest(
        active_params_b=mean("active_params_b"),
        total_params_b=mean("total_params_b"),
        gpu_count=gpus,
        latency_s=mean("latency_s"),
        gpu_energy_j=mean("gpu_energy_j"),
        server_energy_j=mean("server_energy_j"),
        embodied_gwp_g=mean("embodied_gwp_g"),
        embodied_adpe_g_sbeq=mean("embodied_adpe_g_sbeq"),
        embodied_pe_j=mean("embodied_pe_j"),
    )


def _range(name: str, low: float, high: float) -> Interval:
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or high < low:
        raise ImpactError(f"bad {name} range {low!r}..{high!r} in the model catalogue")
    return Interval((low + high) / 2, low, high)


def _provider_factors(
    provider: str,
    *,
    location: str | None,
    pue: float | None,
    wue: float | None,
    year: int,
    assumptions: list[str],
) -> ResolvedFactors:
    from algoprint.impact.location import default_location, factors_for_profile

    zone, pue_range, wue_range = PROVIDER_DATACENTRES.get(provider, (None, None, None))
    if location is None:
        if zone is None:
            raise ImpactError(
                f"no datacentre location known for provider {provider!r}",
                hint="pass location='NL' (ISO country code of the datacentre)",
            )
        location = zone
        assumptions.append(f"zone {zone}: EcoLogits' default location for {provider}")
    profile = replace(
        default_location(location),
        pue=pue if pue is not None else (pue_range[0] if pue_range else None),
        wue_onsite_l_per_kwh=wue if wue is not None else (wue_range[0] if wue_range else None),
    )
    resolved = factors_for_profile(profile, year=year)
    source = f"EcoLogits provider table ({provider})"
    if pue is None and pue_range is not None:
        resolved = replace(
            resolved,
            pue=FactorValue(_range("PUE", *pue_range), unit="1", source=source, origin="default"),
        )
        assumptions.append(f"PUE {plain(pue_range[0])}..{plain(pue_range[1])}: {source}")
    if wue is None and wue_range is not None:
        resolved = replace(
            resolved,
            wue_onsite_l_per_kwh=FactorValue(
                _range("WUE", *wue_range), unit="L/kWh", source=source, origin="default"
            ),
        )
        assumptions.append(f"WUE {plain(wue_range[0])}..{plain(wue_range[1])} L/kWh: {source}")
    return replace(resolved, defaults=(*resolved.defaults, *assumptions))


def estimate_llm(
    *,
    model: str,
    output_tokens: int,
    requests: int = 1,
    provider: str | None = None,
    location: str | None = None,
    pue: float | None = None,
    wue_l_per_kwh: float | None = None,
    request_latency_s: float | None = None,
    year: int | None = None,
) -> LlmEstimate:
    """Estimate the impacts of ``requests`` LLM requests of ``output_tokens`` tokens each.

    Args:
        model: model name or alias in the EcoLogits catalogue.
        output_tokens: generated tokens per request (> 0).
        requests: number of requests (> 0).
        provider: catalogue provider (``openai``, ``mistralai``, ...) when the name is shared.
        location: datacentre zone (ISO country code); default: the provider's EcoLogits zone.
        pue, wue_l_per_kwh: override the provider's datacentre figures.
        request_latency_s: measured request latency, caps the modelled latency (EcoLogits).
        year: year for the grid intensity; default the current year.

    Raises:
        ImpactError: unknown model/provider/zone, tokens or requests <= 0, PUE < 1.
    """
    import datetime as dt

    from algoprint.impact import factors
    from algoprint.refdata import FACTOR_VERSION

    if int(output_tokens) != output_tokens or output_tokens <= 0:
        raise ImpactError(f"output_tokens must be a whole number > 0, got {output_tokens!r}")
    if int(requests) != requests or requests <= 0:
        raise ImpactError(f"requests must be a whole number > 0, got {requests!r}")
    if request_latency_s is not None and (
        not math.isfinite(request_latency_s) or request_latency_s <= 0
    ):
        raise ImpactError(f"request_latency_s must be > 0, got {request_latency_s!r}")
    m = factors.llm_model(model, provider)
    active = _range("active parameters", m.active_params_b_min, m.active_params_b_max)
    total_p = _range("total parameters", m.total_params_b_min, m.total_params_b_max)
    low, at_mean, high = (
        model_request(
            active_params_b=a,
            total_params_b=t,
            output_tokens=int(output_tokens),
            request_latency_s=request_latency_s,
            tps=m.tps,
            ttft_s=m.ttft_s,
        )
        for a, t in (
            (active.low, total_p.low),
            (active.value, total_p.value),
            (active.high, total_p.high),
        )
    )
    central = _midpoint(low, high, at_mean.gpu_count)
    assumptions = [
        f"EcoLogits {ECOLOGITS_VERSION}: batch size {ECOLOGITS.batch_size}, NVIDIA H100 80GB, "
        "16-bit"
    ]
    if m.tps is not None:
        assumptions.append(
            f"latency from the deployment: {plain(m.ttft_s or 0)} s to the first token + "
            f"{plain(m.tps)} tokens/s (EcoLogits' OpenRouter statistics)"
        )
    else:
        assumptions.append("latency from EcoLogits' ML.ENERGY fit (no deployment statistics)")
    if m.warnings:
        assumptions.append(f"catalogue warnings for {m.name}: {', '.join(m.warnings)}")
    year_v = year if year is not None else dt.date.today().year
    resolved = _provider_factors(
        m.provider,
        location=location,
        pue=pue,
        wue=wue_l_per_kwh,
        year=year_v,
        assumptions=assumptions,
    )

    energy_method = Interval(1.0, *ENERGY_METHOD_BOUNDS)
    latency_method = Interval(1.0, *LATENCY_METHOD_BOUNDS)

    def doc(n: int) -> ImpactDocument:
        def iv(attr: str, method: Interval) -> Interval:
            spread = Interval(*(getattr(r, attr) * n for r in (central, low, high)))
            return product([spread, method])

        # One component: GPU and server energy move together with the parameter count.
        energy = EnergyInput((EnergyComponent.of("llm-request", iv("it_energy_j", energy_method)),))
        embodied = EmbodiedImpacts(
            gwp_g=iv("embodied_gwp_g", latency_method),
            adpe_g_sbeq=iv("embodied_adpe_g_sbeq", latency_method),
            pe_j=iv("embodied_pe_j", latency_method),
            sources=(ECOLOGITS_DOC,),
            origin="ecologits",
        )
        d = compute_from_factors(
            energy,
            resolved,
            duration_s=central.latency_s * n,
            units=float(n),
            factor_version=FACTOR_VERSION,
            allocated_embodied=embodied,
        )
        d.notes.append(f"LLM method: {ECOLOGITS_DOC}; model catalogue: {m.source} ({m.licence})")
        d.notes.append(
            "LLM point value: mean of the results at the minimum and maximum parameter count "
            f"(EcoLogits); method uncertainty ×{ENERGY_METHOD_BOUNDS[0]:g}..×"
            f"{ENERGY_METHOD_BOUNDS[1]:g} on energy and ×{LATENCY_METHOD_BOUNDS[0]:g}..×"
            f"{LATENCY_METHOD_BOUNDS[1]:g} on embodied (ML.ENERGY v3 runs vs the formulas)"
        )
        d.notes.append(ADPE_NOTE)
        adpe = d.impacts.get("embodied_adpe_g_sbeq")
        if adpe is not None:
            d.impacts["embodied_adpe_g_sbeq"] = replace(adpe, method=f"{adpe.method}; {ADPE_NOTE}")
        return d

    return LlmEstimate(
        model=m.name,
        provider=m.provider,
        low=low,
        central=central,
        high=high,
        per_request=doc(1),
        total=doc(int(requests)),
        requests=int(requests),
        assumptions=tuple(assumptions),
    )
