"""Integrity of the finance package: no float, a pure check, complete catalogues, shipped data."""

from __future__ import annotations

import dataclasses
import re
import string
import subprocess
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal

from click.testing import CliRunner
from finance_support import EXAMPLE, OTHER_CALL, ROOT

from ecodigital.cli import cli
from ecodigital.finance.check import RULE_IDS, FinanceReport, Message
from ecodigital.finance.licences import osi_licences
from ecodigital.finance.render import render_finance
from ecodigital.finance.run import run_finance_check
from ecodigital.i18n import catalogue


def _walk(value: object) -> Iterator[object]:
    yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _walk(getattr(value, field.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)


def _reports() -> list[FinanceReport]:
    return [run_finance_check(EXAMPLE), run_finance_check(EXAMPLE, OTHER_CALL)]


def test_the_check_never_produces_a_float() -> None:
    for report in _reports():
        values = list(_walk(report))
        assert not [v for v in values if isinstance(v, float)]
        assert any(isinstance(v, Decimal) for v in values)


def test_the_check_module_loads_no_click_and_no_yaml() -> None:
    code = (
        "import sys, ecodigital.finance.check; "
        "print(sorted(m for m in ('click', 'yaml', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_rule_has_a_title_in_both_languages() -> None:
    for lang in ("fr", "en"):
        assert set(catalogue(lang).section("finance.rule")) == set(RULE_IDS)


def test_every_sentence_a_report_uses_is_in_the_catalogue_and_fully_filled() -> None:
    for report in _reports():
        messages = [r.why for r in report.results] + [r.fix for r in report.results if r.fix]
        for message in messages:
            assert isinstance(message, Message)
            assert f"finance.message.{message.key}" in catalogue("fr"), message.key
        for lang in ("fr", "en"):
            for output in ("table", "json"):
                rendered = render_finance(report, output, lang)
                assert not re.search(r"\{[a-z_]+\}", rendered), rendered


def test_every_rule_is_documented() -> None:
    docs = (ROOT / "docs" / "finance.md").read_text(encoding="utf-8")
    for rule_id in RULE_IDS:
        assert f"### `{rule_id}`" in docs, rule_id


def test_the_licence_list_is_shipped_with_its_source() -> None:
    licences = osi_licences()
    expected = "EUPL-1.2 MIT Apache-2.0 GPL-3.0-only GPL-3.0-or-later AGPL-3.0-only "
    expected += "AGPL-3.0-or-later LGPL-2.1-or-later MPL-2.0 BSD-2-Clause BSD-3-Clause CECILL-2.1"
    for spdx in expected.split():
        assert spdx in licences.approved
    for replacements in licences.deprecated.values():
        assert set(replacements) <= licences.approved
    path = ROOT / "ecodigital" / "finance" / "data" / "osi-licences.txt"
    text = path.read_text(encoding="utf-8")
    assert "https://opensource.org/licenses" in text
    ids = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(ids) == len(set(ids))


def test_the_dossier_schema_includes_budget_and_applicant() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert '"Budget"' in result.stdout and '"Applicant"' in result.stdout


def test_validate_still_accepts_the_example() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"OK : {EXAMPLE} : 11 éléments")


def test_rules_and_data_files_are_inside_the_package() -> None:
    package = ROOT / "ecodigital" / "finance"
    assert (package / "rules" / "feder-bfc-2021-2027-e-gouvernement.yaml").is_file()
    assert (package / "data" / "osi-licences.txt").is_file()
