"""Boavizta API request bodies: write them for servers and cloud instances, and read them.

Export writes one request per server and cloud item, in an envelope
(``ecodigital-boavizta-requests/1``): each has the endpoint, its query
(``verbose``, ``duration`` of a year, ``criteria``) and a ``body`` in
Boavizta's own model (``boaviztapi`` 2.x):

- a server: ``model.archetype`` from the factor row (``data/boavizta.yaml``),
  ``usage.avg_power`` the power used (W, without PUE: Boavizta has none),
  ``use_time_ratio`` the hours a year over 8,760, ``hours_life_time`` the
  lifetime in hours, ``usage_location`` and ``elec_factors.gwp`` the grid
  factor of the result, so that Boavizta prices the same electricity;
- a cloud instance: ``provider`` and ``instance_type`` (its own when the
  provider is one of Boavizta's, else the AWS type with the same vCPUs and
  memory), ``usage`` as above.

What a body cannot say (quantity, allocation, PUE, years, vCPUs of a type
ecodigital does not know) is kept beside it, under ``ecodigital``, so that
importing the envelope gives the dossier's items back. Import also reads a
bare Boavizta request body (a server's or a cloud instance's), or a list of
them: one unit each, the rest from the factor row's defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.connectors.mapping import load_mapping
from ecodigital.connectors.model import ImportedItem, ImportResult, Trace, Unmapped, unique_ids
from ecodigital.errors import InputError
from ecodigital.i18n import Msg
from ecodigital.vocabulary import HOURS_PER_YEAR

if TYPE_CHECKING:
    from ecodigital.connectors.results import ItemInputs, ResultFigures

__all__ = ["ENVELOPE_FORMAT", "export_requests", "read_boavizta"]

ENVELOPE_FORMAT: Final = "ecodigital-boavizta-requests/1"
_CARRIED: Final = (
    "kind", "quantity", "allocation", "lifetime_years", "location", "factor", "power_w",
    "hours_per_year", "pue", "vcpu", "memory_gb", "provider",
)  # fmt: skip


# --------------------------------------------------------------------------- export


def export_requests(
    figures: ResultFigures, mapping_file: Path | None = None
) -> tuple[str, list[Msg]]:
    """The envelope of request bodies (JSON text), and the items it leaves out."""
    mapping = load_mapping("boavizta", mapping_file)
    requests: list[dict[str, Any]] = []
    left: list[Msg] = []
    for item in figures.items:
        if item.kind == "server":
            requests.append(_server_request(figures, item, mapping))
        elif item.kind == "cloud_instance":
            request = _cloud_request(figures, item, mapping)
            if request is None:
                left.append(Msg("connectors.export.boavizta_no_type",
                                {"item": item.id, "vcpu": item.values.get("vcpu"),
                                 "memory": item.values.get("memory_gb")}))  # fmt: skip
            else:
                requests.append(request)
    envelope = {
        "format": ENVELOPE_FORMAT,
        "boavizta_api": str(mapping["api_version"]),
        "source": figures.source,
        "requests": requests,
    }
    return json.dumps(envelope, indent=2, ensure_ascii=False, allow_nan=False) + "\n", left


def _query(criteria: tuple[str, ...] = ("gwp", "adp", "pe")) -> dict[str, Any]:
    return {"verbose": True, "duration": HOURS_PER_YEAR, "criteria": list(criteria)}


def _usage(figures: ResultFigures, item: ItemInputs) -> dict[str, Any]:
    usage: dict[str, Any] = {"usage_location": item.location}
    hours = item.number("hours_per_year")
    if hours is None:
        hours = _factor_value(figures, item, "hours_per_year") or HOURS_PER_YEAR
    usage["use_time_ratio"] = hours / HOURS_PER_YEAR
    intensity = figures.grid.get(item.location, {}).get("gwp")
    if intensity is not None:
        usage["elec_factors"] = {"gwp": intensity}
    return usage


def _server_request(
    figures: ResultFigures, item: ItemInputs, mapping: Mapping[str, Any]
) -> dict[str, Any]:
    usage = _usage(figures, item)
    power = item.number("power_w") or _factor_value(figures, item, "power_w")
    if power is not None:
        usage["avg_power"] = power
    lifetime = item.number("lifetime_years") or _factor_value(figures, item, "lifetime_years")
    if lifetime is not None:
        usage["hours_life_time"] = lifetime * HOURS_PER_YEAR
    body: dict[str, Any] = {"usage": usage}
    archetype = mapping["archetypes"].get(item.factor_id)
    query = _query()
    if archetype:
        body["model"] = {"archetype": archetype}
        query["archetype"] = archetype
    return _request(figures, item, "/v1/server/", query, body)


def _cloud_request(
    figures: ResultFigures, item: ItemInputs, mapping: Mapping[str, Any]
) -> dict[str, Any] | None:
    provider = str(item.values.get("provider") or "").strip().lower()
    types: Mapping[str, Any] = mapping["instance_types"]
    if provider not in mapping["providers"] or provider not in types:
        provider = "aws"
    wanted = [item.number("vcpu"), item.number("memory_gb") or 0.0]
    instance = next(
        (name for name, size in types[provider].items() if [float(v) for v in size] == wanted),
        None,
    )
    if instance is None:
        return None
    body = {"provider": provider, "instance_type": instance, "usage": _usage(figures, item)}
    return _request(figures, item, "/v1/cloud/instance", _query(), body)


def _request(
    figures: ResultFigures, item: ItemInputs, path: str, query: dict[str, Any], body: Any
) -> dict[str, Any]:
    carried = {key: item.values[key] for key in _CARRIED if item.values.get(key) is not None}
    if item.first_year > 1 or item.last_year < figures.horizon_years:
        carried["years"] = [item.first_year, item.last_year]
    return {
        "item": item.id,
        "method": "POST",
        "path": path,
        "query": query,
        "body": body,
        "ecodigital": carried,
    }


def _factor_value(figures: ResultFigures, item: ItemInputs, name: str) -> float | None:
    value = figures.factors_used.get(item.factor_id, {}).get(name)
    return None if value is None else float(value)


# --------------------------------------------------------------------------- import


def read_boavizta(path: Path, mapping_file: Path | None = None) -> ImportResult:
    """Read an envelope written by ecodigital, or bare Boavizta request bodies."""
    from ecodigital.connectors.files import read_json

    data = read_json(path)
    mapping = load_mapping("boavizta", mapping_file)
    if isinstance(data, Mapping) and data.get("format") == ENVELOPE_FORMAT:
        entries = data.get("requests")
        if not isinstance(entries, list):
            raise InputError(
                str(path),
                "requests",
                Msg("dossier.wrong_type", {"expected": Msg("dossier.expected.list"),
                                           "got": Msg("dossier.got.other")}),
                Msg("connectors.input.export_again"),
            )  # fmt: skip
        pairs = [(f"requests[{i}]", e) for i, e in enumerate(entries)]
    elif isinstance(data, list):
        pairs = [(f"[{i}]", {"body": e}) for i, e in enumerate(data)]
    elif isinstance(data, Mapping):
        pairs = [("", {"body": data})]
    else:
        raise InputError(str(path), None, Msg("connectors.input.not_boavizta"),
                         Msg("connectors.input.body_fix"))  # fmt: skip
    result = ImportResult(fmt="boavizta", source=path.name, rows_read=len(pairs))
    names: list[str] = []
    found: list[tuple[dict[str, Any], Trace]] = []
    for where, entry in pairs:
        if not isinstance(entry, Mapping):
            raise InputError(
                str(path),
                where or None,
                Msg("dossier.wrong_type", {"expected": Msg("dossier.expected.mapping"),
                                           "got": Msg("dossier.got.other")}),
                Msg("measure.input.check_file"),
            )  # fmt: skip
        trace = Trace(path.name, (), (where or "body",), str(entry.get("item") or "") or None)
        fields = _fields(entry, mapping, str(path), where, trace, result)
        if fields is not None:
            names.append(str(entry.get("item") or fields["kind"]))
            found.append((fields, trace))
    for item_id, (fields, trace) in zip(unique_ids(names), found, strict=True):
        result.items.append(ImportedItem({"id": item_id, **fields}, trace))
    return result


def _fields(
    entry: Mapping[str, Any],
    mapping: Mapping[str, Any],
    file: str,
    where: str,
    trace: Trace,
    result: ImportResult,
) -> dict[str, Any] | None:
    carried = entry.get("ecodigital")
    if isinstance(carried, Mapping):
        return {key: carried[key] for key in (*_CARRIED, "years") if key in carried}
    body = entry.get("body")
    if not isinstance(body, Mapping):
        raise InputError(file, f"{where}.body" if where else None,
                         Msg("connectors.input.not_body"),
                         Msg("connectors.input.body_fix"))  # fmt: skip
    found = body.get("usage")
    usage: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    fields: dict[str, Any] = {}
    if "provider" in body or "instance_type" in body:
        provider = str(body.get("provider") or "").lower()
        instance = str(body.get("instance_type") or "")
        size = mapping["instance_types"].get(provider, {}).get(instance)
        if size is None:
            result.unmapped.append(Unmapped(
                trace,
                Msg("connectors.boavizta.unknown_instance", {"provider": provider,
                                                             "instance": instance}),
                Msg("connectors.boavizta.unknown_instance_fix", {"provider": provider or "aws",
                                                                 "instance": instance or "?"}),
            ))  # fmt: skip
            return None
        fields.update({"kind": "cloud_instance", "vcpu": float(size[0]),
                       "memory_gb": float(size[1]), "provider": provider})  # fmt: skip
    else:
        fields["kind"] = "server"
        model = body.get("model")
        archetype = model.get("archetype") if isinstance(model, Mapping) else None
        factor = next((f for f, a in mapping["archetypes"].items() if a == archetype), None)
        if factor:
            fields["factor"] = factor
        if _is_number(usage.get("avg_power")):
            fields["power_w"] = float(usage["avg_power"])
        if _is_number(usage.get("hours_life_time")) and usage["hours_life_time"] > 0:
            fields["lifetime_years"] = float(usage["hours_life_time"]) / HOURS_PER_YEAR
    if _is_number(usage.get("use_time_ratio")):
        fields["hours_per_year"] = float(usage["use_time_ratio"]) * HOURS_PER_YEAR
    location = usage.get("usage_location")
    if isinstance(location, str) and len(location) == 3 and location.isalpha():
        fields["location"] = location.upper()
    return fields


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
