"""NumEcoEval, the French State's footprint engine: its input CSV files, both ways.

NumEcoEval (Apache-2.0) takes ``;``-separated CSV files of data centres,
physical equipment, virtual equipment, applications, non-IT operations,
messaging and entities; their headers are those of the ``/entrees/csv``
endpoint of its OpenAPI definition ("API données d'entrées", v0), written
here column for column (:data:`HEADERS`, optional columns included).

Export (so that an instructor can rerun a dossier in the State's engine):

- terminals and servers are physical equipment: ``modele`` the factor id,
  ``type`` from the mapping, ``quantite`` the quantity times the allocation,
  ``dureeUsageInterne`` the lifetime used, ``consoElecAnnuelle`` the kWh a
  year of one unit before PUE (read from the result: the use-phase gwp
  divided by the grid factor, divided by the units and the PUE),
  ``paysDUtilisation`` the country's name, ``dateAchat``/``dateRetrait`` the
  active years when an item has ``years``, ``qualite`` from its data quality;
- each PUE and country of the servers is a data centre; the beneficiary an entity;
- cloud instances, storage, network and custom items have no place in these
  files: they are listed, not written.

Import reads such files back (a folder, or one physical-equipment file with
its data centres beside it): kinds from ``type`` (mapping ``types``), the
annual kWh as a power over 8,760 hours (terminals 24 h x 365 days), so that
the footprint is the same to rounding.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.connectors.mapping import first_match, load_mapping
from ecodigital.connectors.model import ImportedItem, ImportResult, Trace, Unmapped, unique_ids
from ecodigital.errors import InputError
from ecodigital.i18n import Msg
from ecodigital.vocabulary import TERMINAL_KINDS

if TYPE_CHECKING:
    from ecodigital.connectors.results import ItemInputs, ResultFigures

__all__ = ["FILE_NAMES", "HEADERS", "export_csvs", "read_numecoeval"]

#: The header of each CSV file, as the OpenAPI description of ``/entrees/csv`` lists it.
HEADERS: Final = {
    "DataCenter": (
        "nomCourtDatacenter", "nomLongDatacenter", "pue", "localisation", "nomEntite", "qualite",
    ),
    "EquipementPhysique": (
        "nomEquipementPhysique", "modele", "quantite", "nomCourtDatacenter", "dateAchat",
        "dateRetrait", "dureeUsageInterne", "dureeUsageAmont", "dureeUsageAval", "type", "statut",
        "paysDUtilisation", "consoElecAnnuelle", "utilisateur", "nomSourceDonnee", "nomEntite",
        "nbCoeur", "modeUtilisation", "tauxUtilisation", "qualite",
    ),
    "EquipementVirtuel": (
        "nomEquipementVirtuel", "nomEquipementPhysique", "nomSourceDonneeEquipementPhysique",
        "cleRepartition", "vCPU", "cluster", "consoElecAnnuelle", "typeEqv", "capaciteStockage",
        "nomEntite", "qualite",
    ),
    "Application": (
        "nomApplication", "typeEnvironnement", "nomEquipementVirtuel",
        "nomSourceEquipementVirtuel", "domaine", "sousDomaine", "nomEntite",
        "nomEquipementPhysique", "nomSourceDonnee", "qualite",
    ),
    "OperationNonIT": (
        "nomItemNonIT", "quantite", "type", "dureeDeVie", "localisation", "nomEntite",
        "nomSourceDonnee", "nomCourtDatacenter", "description", "consoElecAnnuelle", "qualite",
    ),
    "Messagerie": (
        "nombreMailEmis", "nombreMailEmisXDestinataires", "volumeTotalMailEmis", "MoisAnnee",
        "nomEntite",
    ),
    "Entite": ("nomEntite", "nbCollaborateurs", "responsableEntite",
               "responsableNumeriqueResponsable"),
}  # fmt: skip
#: The file each CSV is written to, named after the form field of ``/entrees/csv``.
FILE_NAMES: Final = {
    "DataCenter": "csvDataCenter.csv",
    "EquipementPhysique": "csvEquipementPhysique.csv",
    "EquipementVirtuel": "csvEquipementVirtuel.csv",
    "Application": "csvApplication.csv",
    "OperationNonIT": "csvOperationNonIT.csv",
    "Messagerie": "csvMessagerie.csv",
    "Entite": "csvEntite.csv",
}
HOURS_PER_YEAR: Final = 8760.0
_SOURCE: Final = "ecodigital"


# --------------------------------------------------------------------------- export


def export_csvs(
    figures: ResultFigures, mapping_file: Path | None = None
) -> tuple[dict[str, str], list[Msg]]:
    """The CSV files (name to text) of ``figures``, and the items they cannot carry."""
    mapping = load_mapping("numecoeval", mapping_file)
    entity = str(figures.project["beneficiary"]["name"])
    default_pue = _default_pue(figures)
    centres: dict[str, dict[str, Any]] = {}
    equipment: list[dict[str, Any]] = []
    left: list[Msg] = []
    for item in figures.items:
        if item.kind not in (*TERMINAL_KINDS, "server"):
            left.append(Msg("connectors.export.numecoeval_left_out",
                            {"item": item.id, "kind": item.kind}))  # fmt: skip
            continue
        row = _equipment_row(figures, item, mapping, entity)
        if item.kind == "server":
            pue = item.number("pue") or default_pue
            name = f"dc-{item.location.lower()}-pue-{pue:g}"
            centres.setdefault(name, {
                "nomCourtDatacenter": name,
                "nomLongDatacenter": f"PUE {pue:g}, {_country_name(item.location)}",
                "pue": _number(pue),
                "localisation": _country_name(item.location),
                "nomEntite": entity,
                "qualite": mapping["qualite"]["declared" if item.number("pue") else "modelled"],
            })  # fmt: skip
            row["nomCourtDatacenter"] = name
            row["consoElecAnnuelle"] = _number(_annual_kwh_per_unit(figures, item) / pue)
        else:
            row["consoElecAnnuelle"] = _number(_annual_kwh_per_unit(figures, item))
        equipment.append(row)
    files = {}
    if centres:
        files[FILE_NAMES["DataCenter"]] = _csv("DataCenter", list(centres.values()))
    if equipment:
        files[FILE_NAMES["EquipementPhysique"]] = _csv("EquipementPhysique", equipment)
    files[FILE_NAMES["Entite"]] = _csv("Entite", [{"nomEntite": entity}])
    return files, left


def _equipment_row(
    figures: ResultFigures, item: ItemInputs, mapping: Mapping[str, Any], entity: str
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "nomEquipementPhysique": item.id,
        "modele": item.factor_id,
        "quantite": _number(_units(item)),
        "dureeUsageInterne": _number(_lifetime(figures, item)),
        "type": mapping["export_types"][item.kind],
        "statut": mapping["statut"],
        "paysDUtilisation": _country_name(item.location),
        "nomSourceDonnee": _SOURCE,
        "nomEntite": entity,
        "qualite": mapping["qualite"][_use_quality(figures, item.id)],
    }
    if item.first_year > 1 or item.last_year < figures.horizon_years:
        row["dateAchat"] = f"{figures.start_year + item.first_year - 1}-01-01"
        row["dateRetrait"] = f"{figures.start_year + item.last_year - 1}-12-31"
    return row


def _units(item: ItemInputs) -> float:
    """Quantity times allocation: NumEcoEval has no allocation, the quantity carries it."""
    quantity = item.number("quantity")
    allocation = item.number("allocation")
    return (1.0 if quantity is None else quantity) * (1.0 if allocation is None else allocation)


def _annual_kwh_per_unit(figures: ResultFigures, item: ItemInputs) -> float:
    """kWh a year of one unit, read from the result (its largest active year)."""
    units = _units(item)
    energy = max(figures.energy_kwh_per_year(item.id))
    return energy / units if units else 0.0


def _lifetime(figures: ResultFigures, item: ItemInputs) -> float | None:
    given = item.number("lifetime_years")
    if given is not None:
        return given
    value = figures.factors_used.get(item.factor_id, {}).get("lifetime_years")
    return None if value is None else float(value)


def _default_pue(figures: ResultFigures) -> float:
    row = figures.factors_used.get("datacenter-pue-fra", {})
    return float(row.get("pue") or 1.0)


def _use_quality(figures: ResultFigures, item_id: str) -> str:
    return next(
        (row.quality for row in figures.rows if row.item == item_id and row.phase == "use"),
        "modelled",
    )


def _country_name(iso3: str) -> str:
    from ecodigital.countries import country_name

    return country_name(iso3, "en")


def _number(value: float | None) -> str:
    """Every digit of the float, so that an import reads back the same number."""
    return "" if value is None else repr(float(value))


def _csv(name: str, rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS[name], delimiter=";",
                            lineterminator="\n", extrasaction="raise")  # fmt: skip
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in HEADERS[name]})
    return buffer.getvalue()


# --------------------------------------------------------------------------- import


def read_numecoeval(
    path: Path, mapping_file: Path | None = None, start_year: int | None = None
) -> ImportResult:
    """Read NumEcoEval input files: a folder of them, or a physical-equipment CSV."""
    from ecodigital.connectors.files import read_csv

    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.no_csv"),
            Msg("connectors.input.numecoeval_folder"),
        )
    if not path.is_dir():
        files += [p for p in sorted(path.parent.glob("*.csv")) if p != path]
    tables = [read_csv(f, delimiter=";") for f in files]
    equipment = [t for t in tables if "nomEquipementPhysique" in t.header and "modele" in t.header]
    centres = [t for t in tables if "pue" in t.header and "nomCourtDatacenter" in t.header]
    if not equipment:
        raise InputError(
            str(path),
            None,
            Msg("connectors.input.no_equipment"),
            Msg("connectors.input.no_equipment_fix"),
        )
    mapping = load_mapping("numecoeval", mapping_file)
    pue_by_centre = {
        row["nomCourtDatacenter"]: row.get("pue", "") for table in centres for row in table.rows
    }
    result = ImportResult(fmt="numecoeval", source=equipment[0].path.name)
    names: list[str] = []
    pending: list[tuple[dict[str, Any], Trace]] = []
    for table in equipment:
        for row, line in zip(table.rows, table.lines, strict=True):
            result.rows_read += 1
            trace = Trace(table.path.name, (line,), ("nomEquipementPhysique", "type"),
                          row.get("type", ""))  # fmt: skip
            fields = _item_fields(row, mapping, pue_by_centre, start_year, trace, result)
            if fields is not None:
                names.append(row["nomEquipementPhysique"] or f"equipement-{line}")
                pending.append((fields, trace))
    for item_id, (fields, trace) in zip(unique_ids(names), pending, strict=True):
        result.items.append(ImportedItem({"id": item_id, **fields}, trace))
    return result


def _item_fields(
    row: Mapping[str, str],
    mapping: Mapping[str, Any],
    pue_by_centre: Mapping[str, str],
    start_year: int | None,
    trace: Trace,
    result: ImportResult,
) -> dict[str, Any] | None:
    rule = first_match(mapping.get("types", []), row.get("type", ""))
    if rule is None:
        result.unmapped.append(Unmapped(
            trace,
            Msg("connectors.numecoeval.unknown_type", {"value": row.get("type", "") or "—"}),
            Msg("connectors.numecoeval.unknown_type_fix", {"value": row.get("type", "") or "*"}),
        ))  # fmt: skip
        return None
    where = f"{trace.file}:{trace.lines[0]}"
    fields: dict[str, Any] = {"kind": rule.kind}
    modele = row.get("modele", "").strip()
    if modele and _is_factor(modele):
        fields["factor"] = modele
    elif rule.factor:
        fields["factor"] = rule.factor
    fields["quantity"] = _float(row.get("quantite"), where, "quantite") or 1.0
    lifetime = _float(row.get("dureeUsageInterne"), where, "dureeUsageInterne")
    if lifetime:
        fields["lifetime_years"] = lifetime
    country = _iso3(row.get("paysDUtilisation", ""))
    if country:
        fields["location"] = country
    kwh = _float(row.get("consoElecAnnuelle"), where, "consoElecAnnuelle")
    if kwh is not None:
        power_w = kwh * 1000.0 / HOURS_PER_YEAR
        if rule.kind == "server":
            fields.update({"power_w": power_w, "hours_per_year": HOURS_PER_YEAR})
            pue = _float(pue_by_centre.get(row.get("nomCourtDatacenter", "")), where, "pue")
            if pue:
                fields["pue"] = pue
        else:
            fields.update({"power_w": power_w, "hours_per_day": 24.0, "days_per_year": 365.0})
    if start_year is not None and row.get("dateAchat") and row.get("dateRetrait"):
        first = int(row["dateAchat"][:4]) - start_year + 1
        last = int(row["dateRetrait"][:4]) - start_year + 1
        if last >= 1:
            fields["years"] = [max(first, 1), last]
    return fields


def _is_factor(name: str) -> bool:
    from ecodigital.factors.database import load_reference_factors

    return name in load_reference_factors().frame.index


def _iso3(name: str) -> str | None:
    from ecodigital.countries import code_for

    return code_for(name)


def _float(text: str | None, where: str, column: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise InputError(
            where, column, Msg("dossier.not_number", {"value": text}), Msg("dossier.number_fix")
        ) from None
    if not math.isfinite(value) or value < 0:
        raise InputError(
            where,
            column,
            Msg("connectors.input.not_positive", {"value": text}),
            Msg("dossier.number_fix"),
        )
    return value
