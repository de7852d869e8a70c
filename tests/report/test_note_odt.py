"""The ODT note opens with odfdo and holds every section and its payload."""

from __future__ import annotations

import json

from support import payload_of

from ecodigital.jsonio import canonical_json
from ecodigital.report.build import render_note
from ecodigital.report.payload import verify_digest


def test_odt_opens_and_holds_the_sections(prepared, tmp_path):
    from odfdo import Document

    path = tmp_path / "note.odt"
    path.write_bytes(render_note(prepared, "odt", path)[path])
    document = Document(path)
    headings = [h.text for h in document.body.headers]
    for heading in (
        "Note numérique responsable", "1. Synthèse", "2. Périmètre et unité fonctionnelle",
        "3. Méthode et données", "4. Résultats", "5. Mesures",
        "6. Démarche d'écoconception (RGESN 2024)", "Plan d'action",
        "Déclaration d'écoconception", "7. Leviers de réduction",
        "8. Principes horizontaux, données personnelles et critères techniques",
        "9. Financement et indicateurs", "10. Hypothèses, limites et avertissements",
        "Annexe — facteurs d'émission utilisés",
    ):  # fmt: skip
        assert heading in headings
    text = document.get_formatted_text()
    assert "9,61 tCO2e" in text and "≥\u00a09,61" not in text
    assert "Allonger la vie des postes des agents" in text
    assert document.get_formatted_text()  # the document is readable end to end
    payload = payload_of(path)
    assert verify_digest(payload)
    assert payload == json.loads(canonical_json(prepared.payload))
