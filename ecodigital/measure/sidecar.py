"""The JSON sidecar written beside ``emissions.csv``: how each part of a run was obtained.

CodeCarbon's CSV says how much energy a run used but not how: CPU power read
from RAPL and CPU power estimated from a TDP table land in the same column. The
sidecar records it, so that the assessment can label the figure honestly
(``measured`` or ``estimated-by-codecarbon``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from ecodigital.errors import InputError
from ecodigital.fileio import read_text_limited, write_atomic
from ecodigital.i18n import Msg

__all__ = [
    "CPU_METHODS",
    "MEASURED_CPU_METHODS",
    "SIDECAR_FORMAT",
    "describe_hardware",
    "quality_of",
    "read_sidecar",
    "sidecar_path",
    "write_sidecar",
]

SIDECAR_FORMAT: Final = "ecodigital-measure/1"
MAX_SIDECAR_BYTES: Final = 1024 * 1024

#: How CodeCarbon obtained the CPU power, and whether that is a reading of hardware.
CPU_METHODS: Final = {
    "rapl": "read from the RAPL energy counters",
    "windows-emi": "read from the Windows Energy Meter Interface (RAPL)",
    "power-gadget": "read with Intel Power Gadget",
    "powermetrics": "read with Apple powermetrics",
    "raspberry-pmic": "read from the Raspberry Pi power management chip",
    "tdp-table": "estimated from CodeCarbon's TDP table and the CPU load",
    "default-per-thread": "estimated from a default of 4 W per thread and the CPU load",
    "generic-constant": "estimated from a generic constant (85 W)",
    "user-constant": "given by the user (force_cpu_power)",
    "unknown": "unknown",
}
MEASURED_CPU_METHODS: Final = frozenset(
    {"rapl", "windows-emi", "power-gadget", "powermetrics", "raspberry-pmic"}
)

_HARDWARE_CPU_MODES: Final = {
    "intel_rapl": "rapl",
    "windows_emi": "windows-emi",
    "intel_power_gadget": "power-gadget",
}


def sidecar_path(csv_path: Path, run_id: str) -> Path:
    """Where the sidecar of run ``run_id`` of ``csv_path`` lives: the same folder."""
    return Path(csv_path).parent / f"measure-{run_id}.json"


def describe_hardware(tracker: Any) -> dict[str, Any]:
    """How a started tracker obtains CPU, RAM and GPU power.

    Reads the tracker's hardware objects (``tracker._hardware``), which
    CodeCarbon sets up at ``start()``. These are not a public API: anything
    unexpected is recorded as ``unknown``, which the assessment treats as an
    estimate, never as a reading.
    """
    hardware = list(getattr(tracker, "_hardware", []) or [])
    names = [type(h).__name__ for h in hardware]
    conf = getattr(tracker, "_conf", {}) or {}
    cpu: dict[str, Any] = {"method": "unknown", "model": conf.get("cpu_model")}
    gpu: dict[str, Any] = {"method": "absent", "count": int(conf.get("gpu_count") or 0)}
    ram: dict[str, Any] = {"method": "model", "total_gb": conf.get("ram_total_size")}
    for part, name in zip(hardware, names, strict=True):
        if name == "CPU":
            cpu.update(_describe_cpu(part, tracker))
        elif name == "AppleSiliconChip":
            if getattr(part, "chip_part", "") == "GPU":
                gpu = {"method": "powermetrics", "count": 1, "model": conf.get("gpu_model")}
            else:
                cpu.update(method="powermetrics", codecarbon_mode="powermetrics")
        elif name == "Raspberry":
            if getattr(part, "chip_part", "") == "RAM":
                ram = {"method": "raspberry-pmic", "total_gb": conf.get("ram_total_size")}
            else:
                cpu.update(method="raspberry-pmic", codecarbon_mode="raspberry")
        elif name == "GPU":
            gpu = {
                "method": "nvml" if _is_nvidia() else "amdsmi",
                "count": int(conf.get("gpu_count") or 0),
                "model": conf.get("gpu_model"),
            }
    if getattr(tracker, "_force_ram_power", None) is not None:
        ram["method"] = "user-constant"
    if cpu["method"] == "rapl" and getattr(tracker, "_rapl_include_dram", False):
        ram["method"] = "rapl-dram"
    cpu["measured"] = cpu["method"] in MEASURED_CPU_METHODS
    cpu["description"] = CPU_METHODS.get(cpu["method"], "unknown")
    ram["measured"] = ram["method"] in {"rapl-dram", "raspberry-pmic"}
    gpu["measured"] = gpu["method"] in {"nvml", "amdsmi", "powermetrics"}
    return {"cpu": cpu, "ram": ram, "gpu": gpu}


def _describe_cpu(part: Any, tracker: Any) -> dict[str, Any]:
    mode = str(getattr(part, "_mode", "unknown"))
    info: dict[str, Any] = {"codecarbon_mode": mode}
    if mode in _HARDWARE_CPU_MODES:
        info["method"] = _HARDWARE_CPU_MODES[mode]
        return info
    tdp = getattr(part, "_tdp", None)
    info["tdp_w"] = float(tdp) if isinstance(tdp, int | float) else None
    if getattr(tracker, "_force_cpu_power", None) is not None:
        info["method"] = "user-constant"
    elif getattr(part, "_is_generic_tdp", False):
        info["method"] = "generic-constant"
    else:
        info["method"] = "tdp-table" if _in_tdp_table() else "default-per-thread"
    return info


def _in_tdp_table() -> bool:
    """Whether CodeCarbon found this machine's CPU in its TDP table."""
    try:
        from codecarbon.core import cpu as cc_cpu
        from codecarbon.core.hardware_cache import get_cached_tdp

        tdp = get_cached_tdp(cc_cpu)  # type: ignore[no-untyped-call]
        return bool(tdp.model) and tdp._get_cpu_power_from_registry(tdp.model) is not None
    except Exception:  # private API: when in doubt, it is not a table value
        return False


def _is_nvidia() -> bool:
    try:
        from codecarbon.core import gpu as cc_gpu

        return bool(cc_gpu.is_nvidia_system())
    except Exception:
        return False


def quality_of(sidecar: dict[str, Any] | None) -> str:
    """``measured`` when the CPU power was read from hardware, else ``estimated-by-codecarbon``."""
    if sidecar is None:
        return "estimated-by-codecarbon"
    cpu = sidecar.get("cpu") or {}
    return "measured" if cpu.get("method") in MEASURED_CPU_METHODS else "estimated-by-codecarbon"


def write_sidecar(path: Path, data: dict[str, Any]) -> None:
    """Write the sidecar atomically (a reader never sees half a file)."""
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def read_sidecar(path: Path) -> dict[str, Any]:
    """Read and check a sidecar written by ``ecodigital measure``."""
    text = read_text_limited(path, max_bytes=MAX_SIDECAR_BYTES, what="measure sidecar")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            str(path),
            None,
            Msg("measure.input.bad_json", {"line": exc.lineno}),
            Msg("measure.input.sidecar_fix"),
        ) from None
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        raise InputError(
            str(path),
            "format",
            Msg("measure.input.not_sidecar", {"format": SIDECAR_FORMAT}),
            Msg("measure.input.sidecar_fix"),
        )
    return data
