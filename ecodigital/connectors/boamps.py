"""BoAmps reports (Boavizta's JSON report of an AI task's energy): an item and its measurement.

A BoAmps report (``formatVersion`` 0.1, schema ``model/report_schema.json``
of github.com/Boavizta/BoAmps, CC-BY-4.0) gives the energy measured for a
computing task (``measures[].powerConsumption``, kWh, over
``measurementDuration`` seconds), how it was measured, and the machine
(``infrastructure``) and country (``environment.country``) it ran on.

It becomes one inventory item and a ``measurements`` entry with a
``summary`` (no CodeCarbon file travels), ``per: run``:

- each measure is one run of the task; ``energy_kwh_per_unit`` is their mean;
  the runs a year are the user's (``--runs-per-year``);
- quality ``measured`` for a wattmeter or CodeCarbon reading the hardware
  (``cpuTrackingMode`` ``rapl``), else ``estimated-by-codecarbon``; another
  method is not guessed: the report is listed with its fix;
- a cloud (``infraType`` ``publicCloud`` or ``privateCloud``) is a cloud
  instance of the report's CPUs and memory running the task's hours a year
  (runs x hours a run); otherwise a server whose ``allocation`` is that
  share of the year, so that its embodied impacts follow the time used;
- CodeCarbon's emissions are not in the format: they stay unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from ecodigital.connectors.model import ImportedItem, ImportResult, Trace, Unmapped, slug
from ecodigital.errors import InputError
from ecodigital.i18n import Msg

__all__ = ["read_boamps"]

HOURS_PER_YEAR: Final = 8760.0
SECONDS_PER_HOUR: Final = 3600.0
_CLOUDS: Final = ("publicCloud", "privateCloud")


def read_boamps(
    path: Path, runs_per_year: float | None, item_id: str | None = None
) -> ImportResult:
    """The item and measurement of a BoAmps report."""
    from ecodigital.connectors.files import read_json

    report = read_json(path)
    if not isinstance(report, Mapping) or not isinstance(report.get("measures"), list):
        raise InputError(str(path), "measures", Msg("connectors.input.not_boamps"),
                         Msg("connectors.input.not_boamps_fix"))  # fmt: skip
    measures = [m for m in report["measures"] if isinstance(m, Mapping)]
    result = ImportResult(fmt="boamps", source=path.name, rows_read=len(measures))
    trace = Trace(path.name, (), ("measures[].powerConsumption", "infrastructure"),
                  str(_get(report, "task", "taskStage") or "") or None)  # fmt: skip
    energies = [_number(m.get("powerConsumption"), str(path), "powerConsumption") for m in measures]
    durations = [_number(m.get("measurementDuration"), str(path), "measurementDuration")
                 for m in measures]  # fmt: skip
    if not measures:
        raise InputError(
            str(path), "measures", Msg("dossier.empty"), Msg("connectors.input.measure_first")
        )
    quality = _quality(measures)
    if quality is None:
        shown = ", ".join(sorted({str(m.get("measurementMethod")) for m in measures}))
        result.unmapped.append(Unmapped(trace, Msg("connectors.boamps.method", {"value": shown}),
                                        Msg("connectors.boamps.method_fix")))  # fmt: skip
        return result
    if runs_per_year is None:
        raise InputError(str(path), "--runs-per-year", Msg("connectors.boamps.needs_runs"),
                         Msg("connectors.boamps.needs_runs_fix"))  # fmt: skip
    runs = len(measures)
    energy = sum(energies)
    hours_a_run = sum(durations) / SECONDS_PER_HOUR / runs
    task_hours = runs_per_year * hours_a_run
    name = slug(item_id or f"{_get(report, 'task', 'taskFamily') or 'ia'}-{path.stem}")
    fields: dict[str, Any] = {"id": name}
    infrastructure = report.get("infrastructure")
    components = (
        (infrastructure or {}).get("components") if isinstance(infrastructure, Mapping) else None
    )
    cpus, memory = _sizes(components if isinstance(components, list) else [])
    if isinstance(infrastructure, Mapping) and infrastructure.get("infraType") in _CLOUDS and cpus:
        fields.update({"kind": "cloud_instance", "vcpu": cpus, "memory_gb": memory,
                       "hours_per_year": min(task_hours, HOURS_PER_YEAR)})  # fmt: skip
        provider = infrastructure.get("cloudProvider")
        if isinstance(provider, str) and provider:
            fields["provider"] = provider
    else:
        fields.update({"kind": "server", "allocation": min(task_hours / HOURS_PER_YEAR, 1.0)})
    country = _iso3(_get(report, "environment", "country"))
    if country:
        fields["location"] = country
    result.items.append(ImportedItem(fields, trace))
    methods = sorted({str(m.get("cpuTrackingMode")) for m in measures if m.get("cpuTrackingMode")})
    result.measurements.append({
        "item": name,
        "summary": {
            "energy_kwh_per_unit": energy / runs,
            "quality": quality,
            "pue_included": False,
            "runs": runs,
            "duration_h": sum(durations) / SECONDS_PER_HOUR,
            "energy_kwh": energy,
            "cpu_methods": methods,
            "countries": [country] if country else [],
        },
        "per": "run",
        "runs_per_year": runs_per_year,
    })  # fmt: skip
    return result


def _quality(measures: list[Mapping[str, Any]]) -> str | None:
    qualities = set()
    for measure in measures:
        method = str(measure.get("measurementMethod") or "").strip().lower()
        if method == "wattmeter":
            qualities.add("measured")
        elif method == "codecarbon":
            rapl = str(measure.get("cpuTrackingMode") or "").lower() == "rapl"
            qualities.add("measured" if rapl else "estimated-by-codecarbon")
        else:
            return None
    return "measured" if qualities == {"measured"} else "estimated-by-codecarbon"


def _sizes(components: list[Any]) -> tuple[float, float]:
    cpus = memory = 0.0
    for component in components:
        if not isinstance(component, Mapping):
            continue
        count = component.get("nbComponent")
        units = float(count) if isinstance(count, int | float) else 1.0
        if component.get("componentType") == "cpu":
            cpus += float(units)
        elif component.get("componentType") == "ram" and isinstance(
            component.get("memorySize"), int | float
        ):
            memory += float(units) * float(component["memorySize"])
    return cpus, memory


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _number(value: Any, file: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputError(file, f"measures[].{field}",
                         Msg("connectors.input.not_positive", {"value": str(value)}),
                         Msg("connectors.input.measured_fix"))  # fmt: skip
    return float(value)


def _iso3(name: Any) -> str | None:
    from ecodigital.countries import code_for

    return code_for(name)
