"""The hostile corpus: bad inputs and bad outputs, each with the answer the CLI must give.

Every case builds its files in a fresh work folder (``setup``), runs one
command and says what must come back: the exit code, fragments of the one
error line (French, the default, unless the case passes ``--lang en``) and
the only files the run may create. The runner (``test_corpus.py``) checks the
rest: no input changed (content, mode, inode, symlink-ness), nothing written
anywhere else, no temporary file left behind.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise"
V3_EMISSIONS = ROOT / "tests" / "measure" / "data" / "v3" / "emissions.csv"


@dataclass(frozen=True)
class Case:
    """One hostile input or output, and what the CLI must answer."""

    id: str
    args: tuple[str, ...]
    setup: Callable[[Path], None]
    code: int
    message: tuple[str, ...] = ()
    #: Files (relative to the work folder) the run may create.
    outputs: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    #: Run in a subprocess (for limits of the process, or another user).
    subprocess: bool = False
    slow: bool = False


# --------------------------------------------------------------------------- files

PROJECT = {
    "name": "Test",
    "beneficiary": {"name": "Commune de Test", "type": "commune"},
    "country": "FRA",
    "start_year": 2026,
    "duration_years": 2,
    "horizon_years": 3,
    "users_per_year": [100, 200, 300],
    "institutions": 1,
}
ITEMS = [
    {"id": "laptops", "kind": "laptop", "quantity": 2, "allocation": 0.5},
    {"id": "traffic", "kind": "network", "gb_per_year": 100},
]


def dossier_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "format": "ecodigital/1",
        "project": dict(PROJECT),
        "inventory": [dict(item) for item in ITEMS],
    }
    data.update(changes)
    return data


def write_dossier(work: Path, name: str = "d.yaml", **changes: object) -> Path:
    path = work / name
    path.write_text(yaml.safe_dump(dossier_data(**changes), sort_keys=False), encoding="utf-8")
    return path


def with_item(**changes: object) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        items = [dict(item) for item in ITEMS]
        items[0].update(changes)
        write_dossier(work, inventory=items)

    return setup


def raw_dossier(text: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        (work / "d.yaml").write_text(textwrap.dedent(text), encoding="utf-8")

    return setup


HEAD = """\
format: ecodigital/1
project:
  name: Test
  beneficiary: {name: Commune de Test, type: commune}
  start_year: 2026
  duration_years: 1
  horizon_years: 1
  users_per_year: [100]
"""


def head_plus(text: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        (work / "d.yaml").write_text(HEAD + textwrap.dedent(text), encoding="utf-8")

    return setup


def csv_dossier(
    cells: str, *, encoding: str = "utf-8", name: str = "items.csv"
) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        write_dossier(work, inventory={"csv": name})
        (work / name).write_bytes(cells.encode(encoding))

    return setup


def fifo(name: str, then: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        if then is not None:
            then(work)
        target = work / name
        target.unlink(missing_ok=True)
        os.mkfifo(target)

    return setup


def link(name: str, to: str, then: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        if then is not None:
            then(work)
        target = work / name
        target.unlink(missing_ok=True)
        target.symlink_to(to)

    return setup


def folder(name: str, then: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        if then is not None:
            then(work)
        (work / name).unlink(missing_ok=True)
        (work / name).mkdir()

    return setup


def unix_socket(name: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(work / name))
        server.close()  # the socket file stays

    return setup


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        for step in steps:
            step(work)

    return setup


def a_dossier(work: Path) -> None:
    write_dossier(work)


def measured_dossier(files: list[str], copy: bool = True) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        if copy:
            (work / "measures").mkdir(exist_ok=True)
            shutil.copy(V3_EMISSIONS, work / "measures" / "emissions.csv")
        write_dossier(
            work,
            measurements=[{"item": "laptops", "files": files, "per": "run", "runs_per_year": 100}],
        )

    return setup


def emissions(rows: list[dict[str, object]]) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        lines = ["run_id,project_name,duration,emissions,energy_consumed"]
        lines += [
            f"{r.get('run_id', f'r{i}')},p,{r['duration']},{r['emissions']},{r['energy']}"
            for i, r in enumerate(rows)
        ]
        (work / "emissions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    return setup


FACTOR_HEADER = "id,kind,basis,gwp_manufacturing_kgco2e,lifetime_years,uncertainty_high,source\n"


def factors(row: str, name: str = "f.csv") -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        write_dossier(work)
        (work / name).write_text(FACTOR_HEADER + row + "\n", encoding="utf-8")

    return setup


def example(work: Path) -> None:
    """The bundled example (budget, measurements) copied into the work folder."""
    shutil.copy(EXAMPLE / "dossier.yaml", work / "d.yaml")
    shutil.copytree(EXAMPLE / "measures", work / "measures")


def rules_copy(name: str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        example(work)
        source = (
            ROOT / "ecodigital" / "finance" / "rules" / "feder-bfc-2021-2027-e-gouvernement.yaml"
        )
        shutil.copy(source, work / name)

    return setup


def templates(files: dict[str, str]) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        write_dossier(work)
        (work / "tpl").mkdir()
        for name, text in files.items():
            (work / "tpl" / name).write_text(text, encoding="utf-8")

    return setup


def own_null_device(name: str) -> Callable[[Path], None]:
    """A character device of our own (the null device's numbers), never the system's node."""

    def setup(work: Path) -> None:
        a_dossier(work)
        os.mknod(work / name, stat.S_IFCHR | 0o666, os.makedev(1, 3))

    return setup


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- cases

NOT_REGULAR = "pas un fichier ordinaire"
ASSESS = ("assess", "--deterministic")

CASES: list[Case] = []


def case(
    id: str,
    args: tuple[str, ...],
    setup: Callable[[Path], None],
    code: int,
    *message: str,
    **options: object,
) -> None:
    CASES.append(Case(id, args, setup, code, message, **options))  # type: ignore[arg-type]


# A. inputs that are not regular files: refused at once, never read
case(
    "dossier-fifo-validate",
    ("validate", "d.yaml"),
    fifo("d.yaml"),
    2,
    "d.yaml: est un tube nommé (FIFO)",
    NOT_REGULAR,
)
case("dossier-fifo-assess", (*ASSESS, "d.yaml"), fifo("d.yaml"), 2, "tube nommé", NOT_REGULAR)
case("dossier-fifo-finance", ("finance", "d.yaml"), fifo("d.yaml"), 2, "tube nommé")
case(
    "dossier-fifo-note",
    ("note", "d.yaml", "-o", "n.md", "--deterministic"),
    fifo("d.yaml"),
    2,
    "tube nommé",
)
case(
    "dossier-fifo-scenarios",
    ("scenarios", "d.yaml", "--deterministic"),
    fifo("d.yaml"),
    2,
    "tube nommé",
)
case(
    "dossier-dev-zero-validate",
    ("validate", "/dev/zero"),
    a_dossier,
    2,
    "/dev/zero: est un périphérique en mode caractère",
)
case(
    "dossier-dev-zero-assess",
    (*ASSESS, "/dev/zero"),
    a_dossier,
    2,
    "périphérique en mode caractère",
)
case(
    "dossier-link-to-dev-zero",
    ("validate", "d.yaml"),
    link("d.yaml", "/dev/zero"),
    2,
    "périphérique en mode caractère",
)
case(
    "dossier-is-folder",
    ("validate", "d.yaml"),
    folder("d.yaml"),
    2,
    "est un dossier du système de fichiers",
    "donnez le chemin d'un fichier de ce dossier",
)
case(
    "dossier-missing",
    ("validate", "nope.yaml"),
    a_dossier,
    2,
    "nope.yaml: dossier introuvable",
    "vérifiez le chemin",
)
case("dossier-socket", ("validate", "s.yaml"), unix_socket("s.yaml"), 2, "s.yaml:", NOT_REGULAR)
case(
    "dossier-symlink-loop",
    ("validate", "d.yaml"),
    both(link("d.yaml", "e.yaml"), link("e.yaml", "d.yaml")),
    2,
    "lien symbolique qui boucle",
)
case(
    "csv-fifo",
    (*ASSESS, "d.yaml"),
    fifo("items.csv", csv_dossier("id,kind\na,laptop\n")),
    2,
    "items.csv: est un tube nommé",
)
case(
    "csv-link-to-dev-zero",
    (*ASSESS, "d.yaml"),
    both(csv_dossier("id,kind\n"), link("items.csv", "/dev/zero")),
    2,
    "« items.csv » est hors du dossier du projet",
)
case(
    "csv-folder",
    (*ASSESS, "d.yaml"),
    folder("items.csv", csv_dossier("id,kind\n")),
    2,
    "items.csv: est un dossier du système de fichiers",
)
case(
    "factors-fifo",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    fifo("f.csv", a_dossier),
    2,
    "f.csv: est un tube nommé",
    "fichier de facteurs",
)
case(
    "factors-dev-zero",
    (*ASSESS, "d.yaml", "--factors", "/dev/zero"),
    a_dossier,
    2,
    "/dev/zero:",
    "périphérique",
)
case(
    "rules-fifo",
    ("finance", "d.yaml", "--rules", "r.yaml"),
    fifo("r.yaml", example),
    2,
    "r.yaml: est un tube nommé",
    "fichier de règles",
)
case(
    "emissions-fifo",
    ("measurements", "summarize", "emissions.csv"),
    fifo("emissions.csv"),
    2,
    "emissions.csv: est un tube nommé",
)
case(
    "emissions-dev-zero",
    ("measurements", "summarize", "/dev/zero"),
    a_dossier,
    2,
    "/dev/zero:",
    "périphérique",
)
case(
    "measurement-file-fifo",
    (*ASSESS, "d.yaml"),
    fifo("m.csv", measured_dossier(["m.csv"], copy=False)),
    2,
    "m.csv: est un tube nommé",
    "fichier de mesures",
)
case(
    "template-fifo",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    fifo("tpl/note.html.j2", templates({})),
    2,
    "note.html.j2: est un tube nommé",
    "gabarit",
)
case(
    "rgesn-import-fifo",
    ("rgesn", "d.yaml", "--import", "answers.csv"),
    fifo("answers.csv", a_dossier),
    2,
    "answers.csv: est un tube nommé",
)

# B. size limits, named with the way to raise them
case(
    "dossier-over-limit",
    ("validate", "d.yaml"),
    a_dossier,
    2,
    "dossier de",
    "au-delà de la limite de 104 octets",
    "ECODIGITAL_MAX_DOSSIER_MB=",
    env={"ECODIGITAL_MAX_DOSSIER_MB": "0.0001"},
)
case(
    "csv-over-limit",
    (*ASSESS, "d.yaml"),
    csv_dossier("id,kind\n" + "a,laptop\n" * 200),
    2,
    "items.csv: inventaire CSV de",
    "ECODIGITAL_MAX_INVENTORY_MB",
    env={"ECODIGITAL_MAX_INVENTORY_MB": "0.001"},
)
case(
    "bad-limit-variable",
    ("validate", "d.yaml"),
    a_dossier,
    2,
    "ECODIGITAL_MAX_DOSSIER_MB",
    "n'est pas une taille en mégaoctets",
    env={"ECODIGITAL_MAX_DOSSIER_MB": "lots"},
)

# C. encodings and binary data, with their position
case(
    "dossier-nul-validate",
    ("validate", "d.yaml"),
    lambda w: (w / "d.yaml").write_bytes(b"format: ecodigital/1\nproject:\n  name: a\x00b\n"),
    2,
    "d.yaml:3:",
    "octet NUL ligne 3, colonne 10",
)
case(
    "dossier-nul-assess-en",
    (*ASSESS, "d.yaml", "--lang", "en"),
    lambda w: (w / "d.yaml").write_bytes(b"format: ecodigital/1\n\x00\n"),
    2,
    "d.yaml:2:",
    "holds a NUL byte at line 2, column 1",
)
case(
    "dossier-latin1",
    ("validate", "d.yaml"),
    lambda w: (w / "d.yaml").write_bytes(HEAD.replace("Test\n", "Dép\n").encode("latin-1")),
    2,
    "n'est pas du texte UTF-8 : octet 0xE9 ligne 3, colonne 10",
    "Windows-1252",
)
case(
    "csv-latin1",
    (*ASSESS, "d.yaml"),
    csv_dossier("id;kind\nécran;monitor\n", encoding="latin-1"),
    2,
    "items.csv:2:",
    "octet 0xE9 ligne 2, colonne 1",
)
case(
    "csv-utf16",
    (*ASSESS, "d.yaml"),
    csv_dossier("id,kind\na,laptop\n", encoding="utf-16"),
    2,
    "inventaire CSV en UTF-16",
    "UTF-8",
)
case(
    "factors-nul",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    factors("x,laptop,device,1\x00,4,,s"),
    2,
    "f.csv:2:",
    "octet NUL ligne 2",
)
case(
    "rules-utf16",
    ("finance", "d.yaml", "--rules", "r.yaml"),
    both(example, lambda w: (w / "r.yaml").write_bytes("format: x\n".encode("utf-16"))),
    2,
    "fichier de règles en UTF-16",
)

# D. strict YAML: duplicate keys, aliases, depth, syntax
DUPLICATE = HEAD.replace("  horizon_years: 1\n", "  horizon_years: 1\n  horizon_years: 2\n")
case(
    "yaml-duplicate-validate",
    ("validate", "d.yaml"),
    raw_dossier(DUPLICATE + "inventory: []\n"),
    2,
    "d.yaml:8:",
    "« horizon_years » apparaît deux fois",
    "lignes 7 et 8",
)
case(
    "yaml-duplicate-assess-en",
    (*ASSESS, "d.yaml", "--lang", "en"),
    raw_dossier(DUPLICATE + "inventory: []\n"),
    2,
    'key "horizon_years" appears twice in one mapping, at lines 7 and 8',
)
case(
    "yaml-duplicate-finance",
    ("finance", "d.yaml"),
    raw_dossier(DUPLICATE + "inventory: []\n"),
    2,
    "apparaît deux fois",
)
case(
    "yaml-duplicate-in-item",
    ("validate", "d.yaml"),
    head_plus("inventory:\n  - {id: a, kind: laptop, quantity: 1, quantity: 2}\n"),
    2,
    "d.yaml:10:",
    "« quantity » apparaît deux fois",
)
case(
    "yaml-duplicate-top",
    ("validate", "d.yaml"),
    head_plus("inventory: []\ninventory: []\n"),
    2,
    "« inventory » apparaît deux fois",
    "lignes 9 et 10",
)
case(
    "yaml-duplicate-rules",
    ("finance", "d.yaml", "--rules", "r.yaml"),
    both(
        example,
        lambda w: (w / "r.yaml").write_text(
            "format: ecodigital-finance-rules/1\nid: a\nid: b\n", encoding="utf-8"
        ),
    ),
    2,
    "r.yaml:3:",
    "« id » apparaît deux fois",
)
case(
    "yaml-duplicate-scenario",
    ("scenarios", "d.yaml", "--deterministic"),
    head_plus(
        "inventory:\n  - {id: a, kind: laptop}\nscenarios:\n  - name: x\n    name: y\n    changes: [{item: a, set: {quantity: 2}}]\n"
    ),
    2,
    "« name » apparaît deux fois",
)
case(
    "yaml-duplicate-template-messages",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    both(
        templates({}),
        lambda w: (w / "tpl" / "messages").mkdir(),
        lambda w: (w / "tpl" / "messages" / "fr.yaml").write_text(
            "title: a\ntitle: b\n", encoding="utf-8"
        ),
    ),
    2,
    "fr.yaml:2:",
    "« title » apparaît deux fois",
)
case(
    "yaml-alias-bomb-template-messages",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    both(
        templates({}),
        lambda w: (w / "tpl" / "messages").mkdir(),
        lambda w: (w / "tpl" / "messages" / "fr.yaml").write_text(alias_bomb(), encoding="utf-8"),
    ),
    2,
    "ancres et alias YAML",
)
case(
    "yaml-alias-bomb-validate",
    ("validate", "d.yaml"),
    raw_dossier(alias_bomb()),
    2,
    "se déploie en plus de 2\u202f000\u202f000 valeurs",
)
case(
    "yaml-alias-bomb-assess",
    (*ASSESS, "d.yaml"),
    raw_dossier(alias_bomb()),
    2,
    "ancres et alias YAML",
)
case(
    "yaml-alias-bomb-finance",
    ("finance", "d.yaml"),
    raw_dossier(alias_bomb()),
    2,
    "ancres et alias YAML",
)
case(
    "yaml-alias-bomb-rules",
    ("finance", "d.yaml", "--rules", "r.yaml"),
    both(example, lambda w: (w / "r.yaml").write_text(alias_bomb(), encoding="utf-8")),
    2,
    "r.yaml:",
    "ancres et alias YAML",
)
case(
    "yaml-recursive-alias",
    ("validate", "d.yaml"),
    raw_dossier("a: &a [1, *a]\n"),
    2,
    "ancre récursive",
)
case(
    "yaml-deep-block",
    ("validate", "d.yaml"),
    raw_dossier("".join("  " * i + f"k{i}:\n" for i in range(1500)) + "  " * 1500 + "v: 1\n"),
    2,
    "d.yaml:",
    "erreur de syntaxe YAML",
)
case(
    "yaml-deep-flow",
    ("validate", "d.yaml"),
    raw_dossier("a: " + "[" * 5000 + "]" * 5000 + "\n"),
    2,
    "erreur de syntaxe YAML",
)
case(
    "yaml-deep-100",
    (*ASSESS, "d.yaml"),
    raw_dossier("".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "v: 1\n"),
    2,
    "imbriqué sur plus de 64 niveaux",
)
case(
    "yaml-syntax",
    ("validate", "d.yaml"),
    raw_dossier("format: ecodigital/1\nproject:\n  name: [unclosed\n  other: 1\n"),
    2,
    "d.yaml:",
    "erreur de syntaxe YAML",
    "vérifiez l'indentation",
)
case(
    "yaml-not-a-mapping",
    ("validate", "d.yaml"),
    raw_dossier("- 1\n- 2\n"),
    2,
    "n'est pas un dossier",
)

# E. numbers: non-finite refused everywhere, bounds documented
case(
    "quantity-inf-assess",
    (*ASSESS, "d.yaml"),
    with_item(quantity=float("inf")),
    2,
    "inventory[0].quantity: doit être un nombre fini, reçu inf",
)
case(
    "quantity-inf-validate-en",
    (
        "validate",
        "d.yaml",
    ),
    with_item(quantity=float("inf")),
    2,
    "inventory[0].quantity",
    "inf",
    env={"ECODIGITAL_LANG": "en"},
)
case(
    "allocation-nan",
    (*ASSESS, "d.yaml"),
    with_item(allocation=float("nan")),
    2,
    "inventory[0].allocation: doit être un nombre fini, reçu nan",
)
case(
    "gb-1e308",
    (*ASSESS, "d.yaml"),
    head_plus("inventory:\n  - {id: n, kind: network, gb_per_year: 1.7e308}\n"),
    2,
    "inventory[0].gb_per_year: doit être au plus 1e+12",
)
case(
    "gb-1e400",
    (*ASSESS, "d.yaml"),
    head_plus("inventory:\n  - {id: n, kind: network, gb_per_year: 1e400}\n"),
    2,
    "inventory[0].gb_per_year: doit être un nombre fini",
)
case(
    "quantity-2e9",
    (*ASSESS, "d.yaml"),
    with_item(quantity=2e9),
    2,
    "inventory[0].quantity: doit être au plus 1e+09, reçu 2e+09",
    "docs/limits.md",
)
case(
    "users-inf",
    (*ASSESS, "d.yaml"),
    raw_dossier(HEAD.replace("[100]", "[.inf]") + "inventory:\n  - {id: a, kind: laptop}\n"),
    2,
    "users_per_year[0]: doit être un nombre fini",
)
case(
    "range-high-inf",
    (*ASSESS, "d.yaml"),
    with_item(hours_per_day={"low": 1, "high": float("inf")}),
    2,
    "inventory[0].hours_per_day",
)
case(
    "csv-inf-cell",
    (*ASSESS, "d.yaml"),
    csv_dossier("id,kind,quantity\na,laptop,inf\n"),
    2,
    "ligne 2, colonne « quantity »",
    "doit être un nombre fini, reçu inf",
)
case(
    "csv-1e400-cell",
    (*ASSESS, "d.yaml"),
    csv_dossier("id;kind;gb_per_year\nn;network;1e400\n"),
    2,
    "ligne 2, colonne « gb_per_year »",
    "nombre fini",
)
case(
    "csv-huge-cell",
    (*ASSESS, "d.yaml"),
    csv_dossier("id,kind,gb_per_year\nn,network,1.7e308\n"),
    2,
    "ligne 2, colonne « gb_per_year »",
    "doit être au plus 1e+12",
)
case(
    "factor-lifetime-zero",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    factors("laptop,,,,0,,"),
    2,
    "f.csv: ligne 2, colonne « lifetime_years »",
    "0 est hors des bornes",
)
case(
    "factor-inf",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    factors("laptop,,,inf,,,"),
    2,
    "colonne « gwp_manufacturing_kgco2e »",
    "nombre fini, reçu inf",
)
case(
    "factor-huge",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    factors("laptop,,,1e300,,,"),
    2,
    "colonne « gwp_manufacturing_kgco2e »",
    "hors des bornes",
)
case(
    "factor-spread-below-one",
    (*ASSESS, "d.yaml", "--factors", "f.csv"),
    factors("laptop,,,,,0.5,"),
    2,
    "colonne « uncertainty_high »",
    "hors des bornes",
)
case(
    "emissions-inf-energy",
    ("measurements", "summarize", "emissions.csv"),
    emissions([{"duration": 10, "emissions": 0.1, "energy": "inf"}]),
    2,
    "emissions.csv: n'a aucune ligne utilisable",
    "sont infinies",
)
case(
    "emissions-inf-duration",
    ("measurements", "summarize", "emissions.csv"),
    emissions([{"duration": "inf", "emissions": 0.1, "energy": 1}]),
    2,
    "n'a aucune ligne utilisable",
    "sont infinies",
)
case(
    "emissions-huge-energy",
    ("measurements", "summarize", "emissions.csv"),
    emissions([{"duration": 10, "emissions": 0.1, "energy": "1e300"}]),
    2,
    "n'a aucune ligne utilisable",
    "dépassent les bornes d'une mesure",
)
case(
    "measurement-summary-inf",
    (*ASSESS, "d.yaml"),
    lambda w: write_dossier(
        w,
        measurements=[
            {
                "item": "laptops",
                "per": "run",
                "runs_per_year": 10,
                "summary": {
                    "energy_kwh_per_unit": float("inf"),
                    "quality": "measured",
                    "runs": 1,
                    "duration_h": 1,
                    "energy_kwh": 1,
                    "emissions_kgco2e": 1,
                },
            }
        ],
    ),
    2,
    "measurements[0].summary.energy_kwh_per_unit: doit être un nombre fini",
)
case(
    "lever-inf",
    (*ASSESS, "d.yaml"),
    lambda w: write_dossier(w, levers=[{"title": "x", "expected_gwp_kgco2e": float("inf")}]),
    2,
    "levers[0].expected_gwp_kgco2e: doit être un nombre fini",
)
case(
    "scenario-set-inf",
    ("scenarios", "d.yaml", "--deterministic"),
    lambda w: write_dossier(
        w,
        scenarios=[
            {"name": "x", "changes": [{"item": "laptops", "set": {"quantity": float("inf")}}]}
        ],
    ),
    2,
    "scenarios[0].changes[0].set.quantity",
)
case(
    "draws-beyond-memory",
    ("assess", "d.yaml", "--draws", "1000000"),
    example,
    2,
    "--draws: 1000000 tirages demanderaient environ",
    "utilisez --draws",
)
case(
    "rgesn-justification-200kb",
    ("validate", "d.yaml"),
    lambda w: write_dossier(
        w, rgesn={"answers": {"1.1": {"status": "conforme", "justification": "x" * 200_000}}}
    ),
    2,
    "rgesn.answers.1.1.justification: est trop long",
)

# F. outputs: never over an input, never over a non-regular file, errors on one line
case(
    "out-over-dossier-force",
    (*ASSESS, "d.yaml", "-o", "d.yaml", "--force"),
    a_dossier,
    2,
    "d.yaml: est une entrée de cette commande",
    "jamais écrasée, même avec --force",
)
case(
    "out-over-factors-force",
    (*ASSESS, "d.yaml", "--factors", "f.csv", "--format", "csv", "-o", "f.csv", "--force"),
    factors("laptop,,,,4,,"),
    2,
    "f.csv: est une entrée de cette commande",
)
case(
    "out-over-csv-inventory",
    (*ASSESS, "d.yaml", "--format", "csv", "-o", "items.csv", "--force"),
    csv_dossier("id,kind\na,laptop\n"),
    2,
    "items.csv: est une entrée de cette commande",
)
case(
    "out-over-rules-force",
    ("finance", "d.yaml", "--rules", "r.yaml", "--format", "json", "-o", "r.yaml", "--force"),
    rules_copy("r.yaml"),
    2,
    "r.yaml: est une entrée de cette commande",
)
case(
    "out-over-emissions-force",
    (
        "measurements",
        "summarize",
        "emissions.csv",
        "--format",
        "csv",
        "-o",
        "emissions.csv",
        "--force",
    ),
    emissions([{"duration": 10, "emissions": 0.1, "energy": 1}]),
    2,
    "emissions.csv: est une entrée de cette commande",
)
case(
    "out-over-measurement-file-force",
    (*ASSESS, "d.yaml", "--format", "csv", "-o", "measures/emissions.csv", "--force"),
    measured_dossier(["measures/emissions.csv"]),
    2,
    "measures/emissions.csv: est une entrée de cette commande",
)
case(
    "out-over-sidecar-of-measure",
    (
        *ASSESS,
        "d.yaml",
        "--format",
        "json",
        "-o",
        "measures/measure-28cd3fac-bea7-45dc-a0bf-d532bfa729db.json",
        "--force",
    ),
    both(
        measured_dossier(["measures/emissions.csv"]),
        lambda w: shutil.copy(
            V3_EMISSIONS.parent / "measure-28cd3fac-bea7-45dc-a0bf-d532bfa729db.json",
            w / "measures",
        ),
    ),
    2,
    "est une entrée de cette commande",
)
case(
    "out-over-template-force",
    (
        "note",
        "d.yaml",
        "-o",
        "tpl/part.html.j2",
        "--format",
        "html",
        "--force",
        "--deterministic",
        "--template-dir",
        "tpl",
    ),
    templates(
        {
            "note.html.j2": "{% include 'part.html.j2' %}",
            "part.html.j2": "<p>{{ meta.project }}</p>",
        }
    ),
    2,
    "tpl/part.html.j2: est une entrée de cette commande",
)
case(
    "md-sidecar-over-rules",
    ("note", "d.yaml", "-o", "n.md", "--rules", "n.json", "--force", "--deterministic"),
    rules_copy("n.json"),
    2,
    "n.json: est une entrée de cette commande",
)
case(
    "out-symlink-to-dossier",
    (*ASSESS, "d.yaml", "-o", "out.json", "--force"),
    link("out.json", "d.yaml", a_dossier),
    2,
    "out.json: est une entrée de cette commande (d.yaml)",
)
case(
    "out-hard-link-to-dossier",
    (*ASSESS, "d.yaml", "-o", "out.json", "--force"),
    both(a_dossier, lambda w: os.link(w / "d.yaml", w / "out.json")),
    2,
    "out.json: est une entrée de cette commande",
)
case(
    "out-fifo-force",
    (*ASSESS, "d.yaml", "-o", "out.json", "--force"),
    fifo("out.json", a_dossier),
    2,
    "out.json: est un tube nommé (FIFO), pas un fichier ordinaire",
    "même avec --force",
)
case(
    "out-char-device-force",
    ("schema", "-o", "null", "--force"),
    own_null_device("null"),
    2,
    "null: est un périphérique en mode caractère",
    "même avec --force",
)
case(
    "out-folder",
    (*ASSESS, "d.yaml", "-o", "sub", "--force"),
    folder("sub", a_dossier),
    2,
    "sub: est un dossier",
)
case(
    "out-exists",
    (*ASSESS, "d.yaml", "-o", "out.json"),
    both(a_dossier, lambda w: (w / "out.json").write_text("mine", encoding="utf-8")),
    2,
    "out.json: existe déjà",
    "--force",
)
case(
    "out-dangling-link",
    (*ASSESS, "d.yaml", "-o", "out.json", "--force"),
    link("out.json", "gone/nowhere.json", a_dossier),
    2,
    "lien symbolique vers un fichier qui n'existe pas",
)
case(
    "out-parent-is-file",
    (*ASSESS, "d.yaml", "-o", "d.yaml/out.json"),
    a_dossier,
    2,
    "d.yaml/out.json:",
    "une partie du chemin est un fichier",
)
case(
    "compare-out-over-input",
    ("compare", "c.html", "-o", "c.html", "--force"),
    lambda w: (w / "c.html").write_text("<html></html>", encoding="utf-8"),
    2,
    "c.html: est une entrée de cette commande",
)
case(
    "rgesn-export-over-dossier",
    ("rgesn", "d.yaml", "--export", "d.yaml", "--force"),
    a_dossier,
    2,
    "d.yaml: est une entrée de cette commande",
)
case(
    "note-over-dossier",
    ("note", "d.yaml", "-o", "d.yaml", "--format", "md", "--force", "--deterministic"),
    a_dossier,
    2,
    "d.yaml: est une entrée de cette commande",
)

# G. the applicant's files stay in the dossier's folder, unless allowed
case(
    "csv-outside",
    (*ASSESS, "d.yaml"),
    lambda w: write_dossier(w, inventory={"csv": "../outside/items.csv"}),
    2,
    "inventory.csv: « ../outside/items.csv » est hors du dossier du projet",
)
case(
    "measurement-outside",
    (*ASSESS, "d.yaml"),
    measured_dossier(["../outside/emissions.csv"], copy=False),
    2,
    "measurements[0].files[0]: « ../outside/emissions.csv » est hors du dossier",
    "--allow-outside",
)
case(
    "measurement-symlink-outside",
    (*ASSESS, "d.yaml"),
    both(
        measured_dossier(["m.csv"], copy=False),
        lambda w: (w / "m.csv").symlink_to(w.parent / "outside" / "emissions.csv"),
    ),
    2,
    "« m.csv » est hors du dossier",
)
case(
    "measurement-outside-allowed",
    (*ASSESS, "d.yaml", "--allow-outside", "../outside"),
    measured_dossier(["../outside/emissions.csv"], copy=False),
    0,
    "Test",
)
case(
    "measurement-run-id-traversal",
    (*ASSESS, "d.yaml", "--format", "json", "-o", "r.json"),
    both(
        measured_dossier(["m/emissions.csv"], copy=False),
        lambda w: (w / "m").mkdir(),
        lambda w: (w / "m" / "emissions.csv").write_text(
            "run_id,project_name,duration,emissions,energy_consumed\n../../outside/x,p,10,0.1,1\n",
            encoding="utf-8",
        ),
    ),
    0,
    outputs=("r.json",),
)

# H. templates sandboxed
case(
    "template-recursive-extends",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    templates({"note.html.j2": "{% extends 'note.html.j2' %}"}),
    2,
    "tpl/note.html.j2:",
    "extends, include ou import récursif : note.html.j2 -> note.html.j2",
)
case(
    "template-mutual-include-md",
    ("note", "d.yaml", "-o", "n.md", "--deterministic", "--template-dir", "tpl"),
    templates({"note.md.j2": "{% include 'a.md.j2' %}", "a.md.j2": "{% include 'note.md.j2' %}"}),
    2,
    "récursif",
    "note.md.j2",
)
case(
    "template-dynamic-extends",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    templates({"note.html.j2": "{% extends lang ~ '.j2' %}"}),
    2,
    "un nom de gabarit entre guillemets",
)
case(
    "template-name-escapes",
    ("note", "d.yaml", "-o", "n.html", "--deterministic", "--template-dir", "tpl"),
    templates({"note.html.j2": "{% include '../../outside/secret.j2' %}"}),
    2,
    "erreur de modèle : TemplateNotFound",
)
case(
    "template-attachment-pdf",
    ("note", "d.yaml", "-o", "n.pdf", "--deterministic", "--template-dir", "tpl"),
    templates(
        {
            "note.html.j2": '<html><head><link rel="attachment" href="file:///etc/hostname"><link rel="attachment" href="data:text/plain,leak"></head><body><p>{{ meta.project }}</p><img src="file:///etc/hostname"><a rel="attachment" href="data:text/plain,x">x</a><img src="http://127.0.0.1:9/x.png"></body></html>'
        }
    ),
    0,
    outputs=("n.pdf",),
    slow=True,
)

# I. write errors of the system: one line, exit 2, nothing left behind
case(
    "write-file-size-limit",
    ("assess", "d.yaml", "--deterministic", "--format", "json", "-o", "big.json"),
    a_dossier,
    2,
    "big.json: écriture impossible : le fichier dépasse la taille",
    "ulimit -f",
    subprocess=True,
    env={"HOSTILE_FSIZE": "4096"},
)
