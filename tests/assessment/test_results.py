"""The typed results: their JSON against the published schema, their paths, and the note's
figures tied to them."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from support import legacy_items

from ecodigital.assessment import Options, Results, results_json_schema, run
from ecodigital.assessment.results import iter_figures, parse_path, value_at
from ecodigital.cli import cli
from ecodigital.report.views import render

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


@pytest.fixture(scope="module")
def example() -> Results:
    return run(EXAMPLE, Options(draws=200, seed=1))


@pytest.fixture(scope="module")
def ranged_dossier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with ranges on a quantity and a lifetime (and its scenarios, measurements,
    budget and RGESN answers)."""
    folder = tmp_path_factory.mktemp("ranged")
    shutil.copytree(EXAMPLE.parent / "measures", folder / "measures")
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("    quantity: 14\n", "    quantity: {low: 10, high: 18}\n", 1).replace(
        "    lifetime_years: 4\n", "    lifetime_years: {low: 3, mode: 4, high: 6}\n", 1
    )
    path = folder / "dossier.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _schema_errors(data: dict) -> list[str]:  # type: ignore[type-arg]
    validator = jsonschema.Draft202012Validator(results_json_schema())
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(results_json_schema())


def test_assess_json_validates_against_the_published_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "--results", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    published = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(results_json_schema()))
    output = CliRunner().invoke(cli, ["assess", str(EXAMPLE), "--format", "json", "--rows"]).output
    data = json.loads(output)
    assert data["format"] == "ecodigital-assessment/3"
    assert _schema_errors(data) == []


def test_a_dossier_with_every_section_validates(ranged_dossier: Path) -> None:
    results = run(ranged_dossier, Options(draws=100, seed=2))
    # ranges, scenarios, measurements, budget and RGESN are all there
    assert results.uncertainty is not None and results.uncertainty.inputs["range"] == 2
    assert results.scenarios is not None and results.scenarios.scenarios
    assert results.measurements and results.finance is not None and results.rgesn is not None
    data = results.to_json(rows=True)
    assert _schema_errors(data) == []
    assert _schema_errors(results.to_json()) == []
    assert data["items"]["columns"]["gwp"]["range"] is not None
    # a figure the schema does not allow is refused
    data["totals"]["gwp"]["value"] = "9,41 t"
    assert _schema_errors(data)
    # so are the per-item lists of ecodigital-assessment/2 and a negative position
    legacy = results.to_json()
    legacy["items"]["columns"]["gwp"]["unknown"] = [0] * len(results.items)
    assert _schema_errors(legacy)
    negative = results.to_json()
    negative["items"]["columns"]["gwp"]["quality"]["others"] = [{"value": None, "at": [-1]}]
    assert _schema_errors(negative)
    # the typed results come back from the JSON of every section
    back = Results.from_json(json.loads(json.dumps(results.to_json())))
    assert back.items == results.items and back.scenarios == results.scenarios


def test_json_round_trip_gives_the_same_results(example: Results) -> None:
    data = json.loads(json.dumps(example.to_json()))
    back = Results.from_json(data)
    assert back.to_json() == example.to_json()
    assert back.inputs is None  # the inputs never travel in the JSON
    # the typed tree itself comes back equal, the items' shares (not in the JSON)
    # recomputed to the very float the pipeline gave; the financing report's free-form
    # figures come back as JSON (decimal strings), so it is compared by its JSON above
    for name in Results.__dataclass_fields__:
        if name not in ("inputs", "finance"):
            assert getattr(back, name) == getattr(example, name), name
    for criterion, column in example.items.columns.items():
        shares = back.items.columns[criterion].share
        assert [None if s is None else s.hex() for s in shares] == [
            None if s is None else s.hex() for s in column.share
        ]


def test_the_example_items_round_trip_with_unknown_parts_and_mixed_quality(
    example: Results,
) -> None:
    items = example.items
    # what the sparse columns must carry: a measured item (mixed quality), unknown values
    # (the grid gives no water factor) and several counts of unknown parts
    servers = items.position("app-servers")
    assert isinstance(items.columns["gwp"].quality[servers], dict)
    assert None in items.columns["water"].values
    assert len(set(items.columns["water"].unknown)) > 1
    data = json.loads(json.dumps(example.to_json()))
    water = data["items"]["columns"]["water"]
    assert set(water) == {"unit", "values", "unknown", "quality", "range"}  # no share
    assert isinstance(water["unknown"]["default"], int)
    back = Results.from_json(data).items
    assert back == items
    for i in range(len(items)):
        for criterion in items.columns:
            assert back.figure(i, criterion) == items.figure(i, criterion)


Column = tuple[tuple[float | None, ...], tuple[int, ...], tuple[object, ...]]


def _items_json(results: Results, **columns: Column) -> dict:  # type: ignore[type-arg]
    """The JSON of a small hand-made items table (values, unknown counts, qualities)."""
    from dataclasses import replace

    from ecodigital.assessment.results import ItemColumn, ItemTable

    n = len(next(iter(columns.values()))[0])
    table = ItemTable(
        ids=tuple(f"i{k}" for k in range(n)),
        kinds=("server",) * n,
        tiers=("hosting",) * n,
        factors=("server",) * n,
        columns={
            name: ItemColumn("kgCO2e", values, unknown, quality, (None,) * n)  # type: ignore[arg-type]
            for name, (values, unknown, quality) in columns.items()
        },
    )
    items: dict = replace(results, items=table).to_json()["items"]  # type: ignore[type-arg]
    return items


def test_unknown_counts_and_qualities_are_written_as_a_default_and_the_items_that_differ(
    example: Results,
) -> None:
    mixed = {"measured": 0.25, "modelled": 0.75}
    data = _items_json(
        example,
        gwp=(
            (1.0, None, 2.0, 3.0, 4.0, 5.0),
            (0, 3, 0, 3, 5, 0),
            ("modelled", None, "measured", dict(mixed), dict(mixed), "modelled"),
        ),
        # a tie (two items each): the count met first is the default
        pe=((1.0, 2.0, 3.0, 4.0, 5.0, 6.0), (2, 1, 1, 2, 7, 8), ("declared",) * 6),
    )
    gwp = data["columns"]["gwp"]
    # 0 is the count of three items of six: the default; the others by first appearance
    assert gwp["unknown"] == {
        "default": 0,
        "others": [{"value": 3, "at": [1, 3]}, {"value": 5, "at": [4]}],
    }
    # two equal mixed qualities are one group
    assert gwp["quality"] == {
        "default": "modelled",
        "others": [
            {"value": None, "at": [1]},
            {"value": "measured", "at": [2]},
            {"value": mixed, "at": [3, 4]},
        ],
    }
    assert gwp["values"] == [1.0, None, 2.0, 3.0, 4.0, 5.0]
    pe = data["columns"]["pe"]
    assert pe["unknown"]["default"] == 2
    assert pe["quality"] == {"default": "declared", "others": []}
    empty = _items_json(example, gwp=((), (), ()))
    assert empty["columns"]["gwp"]["unknown"] == {"default": 0, "others": []}
    assert empty["columns"]["gwp"]["quality"] == {"default": None, "others": []}


@pytest.mark.parametrize(
    ("others", "message"),
    [
        ([{"value": 3, "at": [11]}], "item 11 is outside the 11 items"),
        ([{"value": 3, "at": [2, 1]}], "item 1 is outside the 11 items, listed twice or out"),
        ([{"value": 3, "at": [1]}, {"value": 4, "at": [1]}], "others[1].at: item 1"),
        ([{"value": 3, "at": [-1]}], "items.columns.gwp.unknown.others.0.at.0"),
        ([{"value": -3, "at": [1]}], "items.columns.gwp.unknown.others.0.value"),
    ],
)
def test_a_wrong_position_in_a_sparse_column_is_refused_by_name(
    example: Results,
    others: list[dict],
    message: str,  # type: ignore[type-arg]
) -> None:
    data = json.loads(json.dumps(example.to_json()))
    data["items"]["columns"]["gwp"]["unknown"] = {"default": 0, "others": others}
    with pytest.raises(ValueError, match=re.escape(message)):
        Results.from_json(data)


def test_a_column_of_the_wrong_length_is_refused(example: Results) -> None:
    data = json.loads(json.dumps(example.to_json()))
    data["items"]["columns"]["pe"]["values"].pop()
    with pytest.raises(ValueError, match=r"items\.columns\.pe\.values: 10 entries for 11 items"):
        Results.from_json(data)


def test_results_of_format_2_are_still_read(example: Results) -> None:
    from ecodigital.assessment.results import per_item_json

    data = json.loads(json.dumps(example.to_json()))
    legacy = {**data, "format": "ecodigital-assessment/2", "items": legacy_items(example)}
    back = Results.from_json(json.loads(json.dumps(legacy)))
    assert back.items == example.items
    assert back.format == "ecodigital-assessment/3"
    assert back.to_json() == example.to_json()
    # and the /3 JSON written out again one entry per item is that /2 JSON, shares included
    assert per_item_json(data, legacy=True) == json.loads(json.dumps(legacy))
    assert per_item_json(legacy) == legacy


def test_paths_name_every_figure(example: Results) -> None:
    assert parse_path("items[app.servers].gwp") == ["items", "app.servers", "gwp"]
    figures = dict(iter_figures(example))
    assert len(figures) > 300
    for path, figure in figures.items():
        assert value_at(example, path) is figure
    item = value_at(example, "items[agents-laptops].gwp")
    # 40 laptops x 25 % x (170 + 12.3 + 2.79) kgCO2e / 5 years x 5 years, plus their use:
    # 40 x 0.25 x 26.5 W x 7 h x 220 d / 1000 x 0.0519 kgCO2e/kWh x 5 years
    embodied = 40 * 0.25 * (170 + 12.3 + 2.79)
    use = 40 * 0.25 * 26.5 * 7 * 220 / 1000 * 0.0519 * 5
    assert item.value == pytest.approx(embodied + use, rel=1e-9)
    with pytest.raises(KeyError):
        value_at(example, "items[no-such-item].gwp")
    with pytest.raises(KeyError):
        value_at(example, "by_tier.satellites.gwp")


class _Figures(HTMLParser):
    """Every ``data-figure`` element of a page: path, view and the text it shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "span" and "data-figure" in values:
            self._open.append([str(values["data-figure"]), str(values["data-view"]), ""])

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            path, view, text = self._open.pop()
            self.found.append((path, view, text))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_figure_of_the_html_note_is_its_results_field(example: Results, lang: str) -> None:
    from ecodigital.report.build import prepare_note, render_note

    note = prepare_note(example, lang=lang)
    html = str(render_note(note, "html", Path("n.html"))[Path("n.html")])
    parser = _Figures()
    parser.feed(html)
    assert len(parser.found) > 150
    wrong = [
        (path, view, text)
        for path, view, text in parser.found
        if render(value_at(example, path), view, lang) != text
    ]
    assert wrong == []
    paths = {path for path, _, _ in parser.found}
    for expected in ("totals.gwp", "by_tier.terminals.gwp", "per_user_year.gwp", "sci.value",
                     "items[agents-laptops].gwp", "finance.report.figures.grant_eur",
                     "rgesn.score", "scenarios.scenarios[0].criteria.gwp.change_pct"):  # fmt: skip
        assert expected in paths


def test_a_factor_file_that_adds_a_row_prices_a_custom_item(tmp_path: Path) -> None:
    # a PoE switch priced by the supplier's own row: 300 kgCO2e to make, 6 years of life
    factors = tmp_path / "fournisseur.csv"
    factors.write_text(
        "id,kind,label,basis,gwp_manufacturing_kgco2e,lifetime_years,hours_per_year,"
        "uncertainty_low,uncertainty_high,source,source_title,source_url,source_year,licence,"
        "notes\n"
        'switch-poe,custom,"PoE switch, 24 ports",device,300,6,8760,0.7,1.4,Supplier EPD,'
        "Supplier EPD 2025,https://example.org/epd,2025,CC-BY-4.0,declared\n",
        encoding="utf-8",
    )
    dossier = tmp_path / "d.yaml"
    dossier.write_text(
        "format: ecodigital/1\n"
        "project: {name: Test, beneficiary: {name: Commune, type: commune}, country: FRA,\n"
        "          start_year: 2026, duration_years: 2, horizon_years: 3,\n"
        "          users_per_year: [100, 100, 100]}\n"
        "inventory:\n"
        "  - {id: switch, kind: custom, tier: network, factor: switch-poe, quantity: 2}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(dossier)]).exit_code == 2  # unknown without it
    checked = runner.invoke(cli, ["validate", str(dossier), "--factors", str(factors)])
    assert checked.exit_code == 0, checked.output
    assessed = runner.invoke(
        cli, ["assess", str(dossier), "--factors", str(factors), "--format", "json"]
    )
    assert assessed.exit_code == 0, assessed.output
    data = json.loads(assessed.output)
    # 2 switches x 300 kgCO2e / 6 years x 3 years = 300 kgCO2e of manufacturing
    assert data["by_phase"]["manufacturing"]["gwp"]["value"] == pytest.approx(300.0)
    assert data["by_phase"]["manufacturing"]["gwp"]["quality"] == {"declared": 1.0}
    used = {row["id"]: row for row in data["factors_used"]}
    assert used["switch-poe"]["origin"] == "user"
    note = tmp_path / "note.html"
    written = runner.invoke(
        cli, ["note", str(dossier), "--factors", str(factors), "-o", str(note), "--deterministic"]
    )
    assert written.exit_code == 0, written.output
    assert "switch-poe" in note.read_text(encoding="utf-8")
