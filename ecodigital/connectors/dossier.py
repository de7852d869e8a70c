"""Write imported items into a dossier: a new one, or an existing one without losing its comments.

The trace of each item (file, lines, fields read) is written as a YAML
comment at the end of its ``id`` line, in the user's language::

    - id: laptop-latitude-5420  # source : parc.csv, lignes 2-41 (40), champ « Modèle » …

A new dossier starts from the starter of ``ecodigital init`` (its project
block, to complete); an existing one (``--into``) is edited with ruamel.yaml
in round-trip mode, so its comments, key order and quoting stay as they were,
and the imported items are appended to its inventory. The text is validated
as a dossier before it is returned, so a bad import never reaches a file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecodigital.errors import InputError
from ecodigital.i18n import Msg

if TYPE_CHECKING:
    from ecodigital.connectors.model import ImportResult

__all__ = ["dossier_with_imports", "target_start_year"]


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def dossier_with_imports(
    results: Iterable[ImportResult],
    target: Path,
    *,
    into: bool,
    replace: bool = False,
    lang: str = "fr",
) -> str:
    """The text of ``target`` (new, or existing when ``into``) with the imported items."""
    from ecodigital.dossier.load import MAX_DOSSIER_BYTES, parse_dossier_text
    from ecodigital.fileio import read_text_limited

    yaml = _yaml()
    if into:
        text = read_text_limited(target, max_bytes=MAX_DOSSIER_BYTES, what="dossier")
        parse_dossier_text(text, target)  # a dossier that is not valid is not edited
    else:
        from ecodigital.dossier.starter import render_starter

        text = render_starter(None, lang)
    document = yaml.load(text)
    results = list(results)
    if not into:
        document["inventory"] = _new_seq()
        # the starter's scenarios and measurements name its own example items
        for key in ("scenarios", "measurements"):
            if key in document:
                del document[key]
        _project_hints(document, results)
    inventory = document.get("inventory")
    if not hasattr(inventory, "append") or isinstance(inventory, str):
        raise InputError(
            str(target),
            "inventory",
            Msg("connectors.input.csv_inventory"),
            Msg("connectors.input.csv_inventory_fix"),
        )
    existing = {str(item.get("id")) for item in inventory if hasattr(item, "get")}
    for result in results:
        for imported in result.items:
            item_id = str(imported.fields["id"])
            if item_id in existing:
                if not replace:
                    raise InputError(
                        str(target),
                        Msg("connectors.input.inventory_id", {"id": item_id}),
                        Msg("connectors.input.already_there"),
                        Msg("connectors.input.already_there_fix"),
                    )
                index = next(
                    i for i, item in enumerate(inventory) if str(item.get("id")) == item_id
                )
                del inventory[index]
            inventory.append(_item_map(imported.fields, imported.trace.describe(lang)))
            existing.add(item_id)
        if result.measurements:
            if document.get("measurements") is None:
                document["measurements"] = _new_seq()
            for measurement in result.measurements:
                document["measurements"].append(_plain(measurement))
    stream = io.StringIO()
    yaml.dump(document, stream)
    written = stream.getvalue()
    parse_dossier_text(written, target)
    return written


def _new_seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


def _item_map(fields: dict[str, Any], trace: str) -> Any:
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap()
    for key, value in fields.items():
        item[key] = _plain(value)
    item.yaml_add_eol_comment(trace, "id")
    return item


def _plain(value: Any) -> Any:
    """Values ruamel writes in block style (lists of years as a flow sequence)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _plain(item)
        return mapping
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_plain(v) for v in value)
        if all(not isinstance(v, dict | list | tuple) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _project_hints(document: Any, results: list[ImportResult]) -> None:
    """What the files say of the project (a name, the beneficiary), into a new dossier."""
    for result in results:
        hints = result.project
        project = document["project"]
        if hints.get("name"):
            project["name"] = str(hints["name"])
        if hints.get("beneficiary"):
            project["beneficiary"]["name"] = str(hints["beneficiary"])
        if hints.get("country"):
            project["country"] = str(hints["country"])


def target_start_year(target: Path | None, into: bool, lang: str = "fr") -> int | None:
    """The first year of the dossier the items will go into (read, not validated)."""
    from ecodigital.fileio import read_input_text
    from ecodigital.yamlio import load_yaml

    if target is None:
        return None
    try:
        if into:
            text = read_input_text(target, "dossier")
        else:
            from ecodigital.dossier.starter import render_starter

            text = render_starter(None, lang)
        year = (load_yaml(text, target).data or {}).get("project", {}).get("start_year")
    except (OSError, InputError, AttributeError):
        return None  # the dossier's own checks will say what is wrong
    return year if isinstance(year, int) else None
