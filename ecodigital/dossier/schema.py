"""The JSON Schema of the dossier format, exported by ``ecodigital schema``."""

from __future__ import annotations

import json

from ecodigital.dossier.model import Dossier

__all__ = ["dossier_json_schema"]


def dossier_json_schema() -> str:
    """The dossier's JSON Schema (draft 2020-12), as indented JSON text."""
    schema = Dossier.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # Country codes: upper-case alpha-3, checked against the known list at load time.
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
