"""The payload: canonical JSON, SHA-256 digest, embedding and extraction."""

from __future__ import annotations

import hashlib
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import payload_of

from ecodigital.jsonio import canonical_json, dumps, jsonable
from ecodigital.report.payload import (
    DIGEST_MEMBERS,
    PAYLOAD_FORMAT,
    compute_digest,
    html_payload_block,
    verify_digest,
)


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": ["é", 2.5]}) == '{"a":["é",2.5],"b":1}'.encode()


@given(
    st.dictionaries(
        st.text(),
        st.one_of(st.integers(), st.text(), st.floats(allow_nan=False, allow_infinity=False)),
    )
)
def test_canonical_json_does_not_depend_on_key_order(mapping):
    reordered = dict(reversed(list(mapping.items())))
    assert canonical_json(mapping) == canonical_json(reordered)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(_JSON)
def test_dumps_writes_the_same_json_value(value):
    text = dumps(value)
    assert json.loads(text) == value
    assert text == dumps(json.loads(text))
    assert text.endswith("\n")


def test_dumps_writes_an_array_of_scalars_on_one_line():
    value = {"values": [1.5, None, 3], "ids": ["a", "é"], "rows": [{"a": [True]}], "e": []}
    # objects and arrays of objects indented as json.dumps(indent=2) does
    assert dumps(value) == (
        "{\n"
        '  "values": [1.5, null, 3],\n'
        '  "ids": ["a", "é"],\n'
        '  "rows": [\n'
        "    {\n"
        '      "a": [true]\n'
        "    }\n"
        "  ],\n"
        '  "e": []\n'
        "}\n"
    )
    with pytest.raises(ValueError):
        dumps({"x": [float("nan")]})


def test_jsonable_turns_dates_numpy_and_nan_into_json():
    import datetime as dt

    import numpy as np

    value = jsonable(
        {"d": dt.date(2026, 1, 2), "n": np.float64(1.5), "b": np.bool_(True), "x": math.nan}
    )
    assert value == {"d": "2026-01-02", "n": 1.5, "b": True, "x": None}
    assert type(value["b"]) is bool


def test_digest_is_sha256_of_the_four_members(prepared):
    payload = prepared.payload
    assert payload["format"] == PAYLOAD_FORMAT
    members = {key: payload[key] for key in DIGEST_MEMBERS}
    expected = hashlib.sha256(
        json.dumps(members, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert payload["digest"] == {"algorithm": "sha256", "value": expected}
    assert verify_digest(payload)


def test_a_changed_figure_breaks_the_digest(prepared):
    tampered = json.loads(canonical_json(prepared.payload))
    tampered["results"]["totals"]["gwp"]["value"] *= 0.5
    assert not verify_digest(tampered)
    assert compute_digest(tampered) != prepared.payload["digest"]["value"]


def test_payload_holds_dossier_results_dataset_and_tool(prepared):
    payload = prepared.payload
    assert payload["dossier"]["project"]["name"] == "Guichet numérique mutualisé du Haut-Doubs"
    assert payload["dossier"]["rgesn"]["answers"]["8.3"]["due"] == "2027-03-31"
    assert payload["results"] == prepared.results.to_json(rows=True)
    assert payload["factors_dataset"] == {
        "name": "ecodigital-reference-factors",
        "version": prepared.results.factors_dataset.version,
        "date": prepared.results.factors_dataset.date,
    }
    assert payload["tool"]["name"] == "ecodigital"


def test_html_block_cannot_be_closed_by_dossier_text():
    payload = {"format": PAYLOAD_FORMAT, "dossier": {"x": "</script><script>alert(1)</script>"}}
    block = html_payload_block(payload)
    assert block.count("</script>") == 1
    inner = block[block.index(">") + 1 : block.rindex("</script>")]
    assert json.loads(inner) == payload


def test_extract_payload_from_html_and_markdown_sidecar(tmp_path, prepared):
    from ecodigital.report.build import render_note

    for name in ("n.html", "n.md"):
        for path, content in render_note(prepared, name.split(".")[1], tmp_path / name).items():
            (path.write_text if isinstance(content, str) else path.write_bytes)(content)
        extracted = payload_of(tmp_path / name)
        assert extracted == json.loads(canonical_json(prepared.payload))
        assert verify_digest(extracted)


def test_extract_payload_says_what_is_wrong(tmp_path):
    from ecodigital.errors import InputError

    page = tmp_path / "page.html"
    page.write_text("<html><body>no data</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="holds no ecodigital payload"):
        payload_of(page)
    note = tmp_path / "alone.md"
    note.write_text("# note\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"alone\.json"):
        payload_of(note)
