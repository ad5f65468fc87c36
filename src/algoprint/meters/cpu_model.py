"""CPU power model: energy from CPU utilisation and the CPU's TDP, for hosts without RAPL.

Used on VMs, in containers and on most clouds, where no energy counter is readable. The model
(fitted and validated in bench/cpu_model_fit.py; figures in docs/benchmarks.md):

    P_max = TDP_socket * vcpus_available / threads_per_socket
    P(u)  = P_idle + (P_max - P_idle) * f(u) = P_max * curve(u),  P_idle = curve(0) * P_max

- ``TDP_socket`` comes from ``refdata/cpu_power.csv`` (per socket/package), matched on
  ``/proc/cpuinfo``'s model name, or from the ``cpu_tdp_w`` setting.
- ``threads_per_socket`` = physical cores per socket (table, or "N-Core" in the name) × SMT
  threads per core (``siblings / cpu cores`` in /proc/cpuinfo). On bare metal without a core
  count, ``siblings``. On a VM /proc/cpuinfo names the host's CPU but describes only the guest's
  virtual socket, so without a core count the host socket is sized as ``TDP / DEFAULT_W_PER_CORE``
  cores, which makes ``P_max = DEFAULT_W_PER_CORE * vcpus / smt``.
- ``vcpus_available`` counts the CPUs this job may use (cpuset, affinity, cgroup quota).
- ``u`` is the busy fraction of those CPUs over each sample interval: from ``/proc/stat``
  (only the cpuset's CPUs), or from the cgroup's own CPU usage when a CPU quota is the limit
  (``/proc/stat`` would then include other tenants' work).
- Unknown model: ``P_max = DEFAULT_W_PER_CORE * vcpus / smt`` where the default is the median
  TDP per core of the table rows with a core count (about 10.8 W, see
  :func:`~algoprint.meters._cpu_table.default_w_per_core`); warned once, an error under
  ``strict``.

Energy is ``sum(P(u_k) * dt_k)`` over the sample intervals; :data:`UNCERTAINTY_REL` is wide on
purpose (see docs/benchmarks.md, "CPU power model: fit and validation").
"""

from __future__ import annotations

from pathlib import Path

from algoprint._values import Frozen, fill
from algoprint.config import Settings
from algoprint.errors import ConfigError, MeterError, MeterUnavailable
from algoprint.meters._cpu_table import (
    CpuMatch,
    LoadCurve,
    cached_match,
    cores_from_name,
    default_w_per_core,
    load_curve,
)
from algoprint.meters._host import (
    cgroup_cpu_quota,
    cgroup_cpu_usage_s,
    online_cpus,
    read_cpu_times,
    read_cpuinfo,
    usable_cpus,
    vcpus_available,
)
from algoprint.meters.common import (
    ComponentEnergy,
    Domain,
    Meter,
    MeterStatus,
    Method,
    SampleContext,
    warn_once,
)

__all__ = [
    "UNCERTAINTY_REL",
    "CpuModelMeter",
    "CpuPowerModel",
    "cpu_model_status",
    "resolve_cpu_power",
]

UNCERTAINTY_REL = 0.55
"""Relative half-width of the ~95 % interval of modelled CPU energy: the largest whole-run
energy error of the shipped curve against RAPL package energy on the codecarbon load profiles
(bench/cpu_model_fit.py, which computes the same number; a test pins the two together)."""

DEVICE = "cpu-model"
FIX_HINT = "set cpu_tdp_w (--cpu-tdp, ALGOPRINT_CPU_TDP_W) to your CPU's TDP per socket in W"
FIX_HINT_NL = (
    "stel cpu_tdp_w (--cpu-tdp, ALGOPRINT_CPU_TDP_W) in op het TDP van uw CPU per socket, in W"
)


class CpuPowerModel(Frozen):
    """The resolved power model of this host's available CPUs.

    Attributes:
        model_name: the CPU model name looked up (cpuinfo or the override), None if unknown.
        match: the table lookup result (None when no name was available).
        basis: ``exact``, ``token`` (table match kinds), ``override`` (cpu_tdp_w) or
            ``default`` (unknown CPU: per-core default).
        tdp_w: TDP per socket in W (None for ``default``).
        threads_per_socket: hardware threads per socket used for the share (None for default).
        vcpus: vCPUs available to this job (may be fractional under a CPU quota).
        max_power_w: ``P_max`` of the available vCPUs, W.
        curve: ``P(u) / P_max``.
        note: how the figures were derived, for records and ``doctor``.
    """

    _fields = (
        "model_name",
        "match",
        "basis",
        "tdp_w",
        "threads_per_socket",
        "vcpus",
        "max_power_w",
        "curve",
        "note",
    )
    __slots__ = _fields
    model_name: str | None
    match: CpuMatch | None
    basis: str
    tdp_w: float | None
    threads_per_socket: float | None
    vcpus: float
    max_power_w: float
    curve: LoadCurve
    note: str

    def __init__(  # noqa: PLR0917 - positional, as the dataclass it replaced
        self,
        model_name: str | None,
        match: CpuMatch | None,
        basis: str,
        tdp_w: float | None,
        threads_per_socket: float | None,
        vcpus: float,
        max_power_w: float,
        curve: LoadCurve,
        note: str,
    ) -> None:
        fill(
            self,
            model_name=model_name,
            match=match,
            basis=basis,
            tdp_w=tdp_w,
            threads_per_socket=threads_per_socket,
            vcpus=vcpus,
            max_power_w=max_power_w,
            curve=curve,
            note=note,
        )

    @property
    def idle_power_w(self) -> float:
        """``P_idle`` in W."""
        return self.max_power_w * self.curve.idle_fraction

    def power_w(self, utilisation: float) -> float:
        """Modelled power (W) at a utilisation in [0, 1] (clamped)."""
        return self.max_power_w * self.curve(utilisation)


def resolve_cpu_power(
    *,
    settings: Settings | None = None,
    proc_root: str | Path | None = None,
    cgroup_root: str | Path | None = None,
    sys_root: str | Path = "/sys",
    tdp_w: float | None = None,
    model_name: str | None = None,
    affinity: frozenset[int] | None = None,
    strict: bool | None = None,
    warn: bool = True,
) -> CpuPowerModel:
    """Work out ``P_max`` and the load curve for the CPUs this job may use.

    Args:
        settings: supplies ``cpu_tdp_w``, ``cpu_model``, ``strict`` and the root paths.
        proc_root, cgroup_root, sys_root: seams (defaults from settings, /sys).
        tdp_w: TDP per socket (W) overriding the table and ``settings.cpu_tdp_w``.
        model_name: model name overriding cpuinfo and ``settings.cpu_model``.
        affinity: CPU affinity mask (default: this process's, when reading the real /proc).
        strict: overrides ``settings.strict`` (discovery relaxes it when RAPL covers the CPU).
        warn: warn once when falling back to the per-core default.

    Raises:
        ConfigError: an explicitly given model name is not in the table (and no TDP was
            given), or the CPU is unknown and ``settings.strict`` is set.
    """
    s = settings or Settings()
    proc = Path(proc_root or s.proc_root)
    cgroup = Path(cgroup_root or s.cgroup_root)
    info = read_cpuinfo(proc)
    vcpus = vcpus_available(
        proc_root=proc, cgroup_root=cgroup, sys_root=sys_root, affinity=affinity
    )
    explicit = model_name or s.cpu_model
    name = explicit or info.model_name
    tdp_override = tdp_w if tdp_w is not None else s.cpu_tdp_w
    match, per_core = cached_match(name) if name else (None, default_w_per_core())
    entry = match.entry if match else None
    if explicit and entry is None and tdp_override is None:
        raise ConfigError(
            f"CPU model {explicit!r} is not in the CPU power table",
            hint=f"check the name against `algoprint doctor`, or {FIX_HINT}",
        )
    smt = info.threads_per_core
    curve = load_curve()
    if tdp_override is None and entry is None:
        shown = name or "unknown (no model name in /proc/cpuinfo)"
        message = (
            f"CPU model {shown!r} is not in the CPU power table; modelling "
            f"{per_core:.1f} W per core (median TDP per core of the table) for {vcpus:g} vCPUs"
        )
        if s.strict if strict is None else strict:
            raise ConfigError(message, hint=FIX_HINT)
        if warn:
            from algoprint._format import integer, number

            shown_nl = name or "onbekend (geen modelnaam in /proc/cpuinfo)"
            cpus_nl = integer(vcpus, "nl") if vcpus == int(vcpus) else number(vcpus, "nl")
            warn_once(
                f"cpu-model-default:{shown}",
                f"{message}. To fix: {FIX_HINT}.",
                nl=f"het CPU-model {shown_nl!r} staat niet in de tabel met CPU-vermogens. We "
                f"rekenen met {number(per_core, 'nl')} W per kern (de mediaan van de tabel) "
                f"voor {cpus_nl} vCPU's. Zo lost u dat op: {FIX_HINT_NL}.",
            )
        return CpuPowerModel(
            model_name=name,
            match=match,
            basis="default",
            tdp_w=None,
            threads_per_socket=None,
            vcpus=vcpus,
            max_power_w=per_core * vcpus / smt,
            curve=curve,
            note=f"{message}; {smt} thread(s) per core",
        )
    tdp = float(tdp_override) if tdp_override is not None else float(entry.tdp_w)  # type: ignore[union-attr]
    basis = "override" if tdp_override is not None else match.kind  # type: ignore[union-attr]
    cores = (entry.n_cores if entry else None) or cores_from_name(name or "")
    if cores:
        threads: float = cores * smt
        how = f"{cores} cores x {smt} thread(s) per socket"
    elif info.siblings and not info.hypervisor:
        threads = info.siblings
        how = f"{threads:g} threads per socket (/proc/cpuinfo siblings)"
    elif info.siblings and basis == "override":
        # A VM whose host socket size is unknown: the given TDP is read as the power of the
        # socket the guest sees. (Estimating the cores as TDP / W-per-core here made the
        # override cancel out, so --cpu-tdp had no effect although the warning asked for it.)
        threads = info.siblings
        how = (
            f"{threads:g} threads per virtual socket as this VM reports them (/proc/cpuinfo "
            "siblings): cpu_tdp_w is read as the power of that socket"
        )
    else:
        threads = tdp / per_core * smt
        how = (
            f"socket size unknown on this VM: {tdp / per_core:.1f} cores estimated as TDP / "
            f"{per_core:.1f} W per core, x {smt} thread(s)"
        )
    source = "cpu_tdp_w setting" if basis == "override" else f"{entry.model} ({entry.source})"  # type: ignore[union-attr]
    return CpuPowerModel(
        model_name=name,
        match=match,
        basis=basis,
        tdp_w=tdp,
        threads_per_socket=threads,
        vcpus=vcpus,
        max_power_w=tdp * vcpus / threads,
        curve=curve,
        note=(
            f"TDP {tdp:g} W per socket from {source}, match {basis}; {how}; "
            f"{vcpus:g} vCPUs available"
        ),
    )


class CpuModelMeter(Meter):
    """Modelled CPU energy from utilisation (Method.MODEL, domain cpu, device ``cpu-model``).

    ``sample()`` reads the busy time of the available CPUs, turns the interval's utilisation
    into power with :class:`CpuPowerModel` and adds ``power * dt``. Construct it keyword-only;
    the seams default to the settings' ``proc_root``/``cgroup_root`` and ``/sys``; ``interval_s``
    and ``strict`` override the settings' values (``sample_interval_s`` = ``interval_s``, 1 s
    by default); ``warn=False`` keeps the unknown-CPU warning quiet (e.g. when RAPL measures
    the CPU and this meter only reports status).

    Raises (constructor):
        ConfigError: see :func:`resolve_cpu_power`.
        MeterUnavailable: no utilisation source (``/proc/stat``) can be read.
    """

    name = "cpu-model"

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        proc_root: str | Path | None = None,
        cgroup_root: str | Path | None = None,
        sys_root: str | Path = "/sys",
        tdp_w: float | None = None,
        model_name: str | None = None,
        affinity: frozenset[int] | None = None,
        interval_s: float | None = None,
        strict: bool | None = None,
        warn: bool = True,
    ) -> None:
        s = settings or Settings()
        self._proc = Path(proc_root or s.proc_root)
        self._proc_text = str(self._proc)
        self._cgroup = Path(cgroup_root or s.cgroup_root)
        self.sample_interval_s = s.interval_s if interval_s is None else float(interval_s)
        self.model = resolve_cpu_power(
            settings=s,
            proc_root=self._proc,
            cgroup_root=self._cgroup,
            sys_root=sys_root,
            tdp_w=tdp_w,
            model_name=model_name,
            affinity=affinity,
            strict=strict,
            warn=warn,
        )
        cpus = usable_cpus(
            proc_root=self._proc, cgroup_root=self._cgroup, sys_root=sys_root, affinity=affinity
        )
        self._cpus = None if cpus == online_cpus(sys_root, self._proc) else cpus
        quota = cgroup_cpu_quota(self._cgroup, self._proc)
        self._use_cgroup = (
            quota is not None
            and quota < len(cpus)
            and cgroup_cpu_usage_s(self._cgroup, self._proc) is not None
        )
        self.utilisation_source = (
            "cgroup CPU usage / quota" if self._use_cgroup else f"{self._proc / 'stat'}"
        )
        try:
            self._read()
        except MeterError as e:
            raise MeterUnavailable(e.message, hint=e.hint, source=e.source) from e
        self._energy_j: float | None = None
        self._prev: tuple[float, float] | None = None
        self._t: float | None = None
        self.last_utilisation: float | None = None
        self.last_power_w: float | None = None
        self._note = f"modelled from CPU utilisation and TDP (no energy counter): {self.model.note}"

    def _read(self) -> tuple[float, float]:
        """(busy, total) in consistent units; total is NaN-free ticks or, for cgroup, seconds."""
        if self._use_cgroup:
            usage = cgroup_cpu_usage_s(self._cgroup, self._proc)
            if usage is None:
                raise MeterError("the cgroup CPU usage cannot be read", source=str(self._cgroup))
            return usage, 0.0
        try:
            times = read_cpu_times(self._proc_text, self._cpus)
        except (OSError, ValueError) as e:
            raise MeterError(
                f"cannot read CPU times from {self._proc / 'stat'}: {e}",
                hint="check proc_root",
                source=str(self._proc / "stat"),
            ) from e
        return float(times.busy), float(times.total)

    def start(self, ctx: SampleContext) -> None:
        """Take the baseline utilisation reading at ``ctx.now_s``."""
        self._prev = self._read()
        self._t = ctx.now_s
        self._energy_j = 0.0

    def sample(self, ctx: SampleContext) -> None:
        """Add ``P(u) * dt`` for the interval since the previous sample.

        Raises:
            MeterError: not started, or the utilisation source cannot be read.
        """
        if self._prev is None or self._t is None or self._energy_j is None:
            raise MeterError("cpu-model meter sampled before start()", source=DEVICE)
        dt = ctx.now_s - self._t
        if dt <= 0:
            return
        busy, total = self._read()
        prev_busy, prev_total = self._prev
        if self._use_cgroup:
            u = (busy - prev_busy) / (self.model.vcpus * dt)
        elif total > prev_total:
            u = (busy - prev_busy) / (total - prev_total)
        else:  # no tick elapsed: keep the last utilisation (or idle at the very start)
            u = self.last_utilisation or 0.0
        u = min(1.0, max(0.0, u))
        power = self.model.power_w(u)
        self._energy_j += power * dt
        self._prev, self._t = (busy, total), ctx.now_s
        self.last_utilisation, self.last_power_w = u, power

    def totals(self) -> list[ComponentEnergy]:
        """Cumulative modelled energy (J); ``energy_j`` is None before ``start()``."""
        return [
            ComponentEnergy(
                domain=Domain.CPU,
                device=DEVICE,
                energy_j=self._energy_j,
                method=Method.MODEL,
                uncertainty_rel=UNCERTAINTY_REL,
                note=self._note if self._energy_j is not None else "not started",
            )
        ]

    def status(self) -> MeterStatus:
        """What this meter models and how."""
        return _status(self.model, self.utilisation_source)


def _status(model: CpuPowerModel, source: str) -> MeterStatus:
    detail = (
        f"CPU {model.model_name or 'unknown'}: {model.note}; P_max {model.max_power_w:.1f} W, "
        f"P_idle {model.idle_power_w:.1f} W; utilisation from {source}"
    )
    hint = "RAPL (when readable) measures instead of modelling"
    if model.basis == "default":
        hint = f"{FIX_HINT}; {hint}"
    elif model.basis == "token":
        hint = f"matched by model number only; if wrong, {FIX_HINT}"
    return MeterStatus(name=DEVICE, available=True, detail=detail, hint=hint, method=Method.MODEL)


def cpu_model_status(
    *,
    settings: Settings | None = None,
    proc_root: str | Path | None = None,
    cgroup_root: str | Path | None = None,
    sys_root: str | Path = "/sys",
) -> MeterStatus:
    """What ``algoprint doctor`` says about the CPU model: model, match, TDP, vCPUs, hints.

    Never raises: a configuration problem (unknown CPU under ``strict``, an unknown explicit
    model) is reported as unavailable with the hint.
    """
    try:
        model = resolve_cpu_power(
            settings=settings,
            proc_root=proc_root,
            cgroup_root=cgroup_root,
            sys_root=sys_root,
            warn=False,
        )
    except ConfigError as e:
        return MeterStatus(
            name=DEVICE, available=False, detail=e.message, hint=e.hint, method=Method.MODEL
        )
    s = settings or Settings()
    proc = Path(proc_root or s.proc_root)
    try:
        read_cpu_times(proc)
    except (OSError, ValueError) as e:
        return MeterStatus(
            name=DEVICE,
            available=False,
            detail=f"cannot read CPU times from {proc / 'stat'}: {e}",
            hint="check proc_root",
            method=Method.MODEL,
        )
    return _status(model, str(proc / "stat"))
