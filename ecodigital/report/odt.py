"""The OpenDocument (ODT) note, for applicants who edit the note before submitting it.

Built with odfdo from the same context as the other formats. Dossier text is
inserted as text nodes, so nothing in it is interpreted. The payload is the
package member ``ecodigital/payload.json`` (declared in the manifest).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["render_odt"]


def _table(name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    from odfdo import Cell, Paragraph, Row, Table

    table = Table(name)
    head = Row()
    for text in header:
        cell = Cell()
        cell.append(Paragraph(str(text), style="Table_20_Heading"))
        head.append_cell(cell)
    table.append_row(head)
    for values in rows:
        row = Row()
        for value in values:
            cell = Cell()
            cell.append(Paragraph(str(value), style="Table_20_Contents"))
            row.append_cell(cell)
        table.append_row(row)
    return table


class _Writer:
    def __init__(self) -> None:
        from odfdo import Document

        self.document = Document("text")
        self.body = self.document.body
        self.body.clear()
        self.tables = 0

    def heading(self, level: int, text: str) -> None:
        from odfdo import Header

        self.body.append(Header(level, str(text)))

    def para(self, text: str) -> None:
        from odfdo import Paragraph

        self.body.append(Paragraph(str(text)))

    def bullets(self, lines: Sequence[str]) -> None:
        from odfdo import List, ListItem

        items = List()
        for line in lines:
            items.append(ListItem(str(line)))
        self.body.append(items)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.tables += 1
        self.body.append(_table(f"Table{self.tables}", header, rows))


def render_odt(context: Mapping[str, Any], payload: Mapping[str, Any]) -> bytes:
    """The ODT bytes of the note, with the payload inside the package."""
    from ecodigital.report.payload import ODT_MEMBER, canonical_json

    t = context["t"]
    meta = context["meta"]
    w = _Writer()
    w.document.meta.title = f"{meta['title']} — {meta['project']}"
    w.document.meta.language = context["lang"]

    w.para(str(t["call"]))
    w.heading(1, str(meta["title"]))
    w.para(str(meta["project"]))
    w.para(f"{t['beneficiary']}{t['colon']} {meta['beneficiary']}")
    w.para(str(meta["generated_on"]))
    w.para(str(meta["factors_line"]))

    summary = context["summary"]
    w.heading(2, t["summary_title"])
    w.para(summary["lead"])
    if summary["partial_note"]:
        w.para(summary["partial_note"])
    w.heading(3, t["key_figures"])
    if summary["ranges"]:
        w.table(
            [t["criterion"], t["value"], t["range_column"], t["source"], t["quality"]],
            [
                (f["label"], f["value"], f["range"], f["source"], f["quality"])
                for f in summary["key_figures"]
            ],
        )
    else:
        w.table(
            [t["criterion"], t["value"], t["source"], t["quality"]],
            [(f["label"], f["value"], f["source"], f["quality"]) for f in summary["key_figures"]],
        )
    w.para(summary["ranges_note"])
    w.heading(3, t["top_contributors"])
    w.table(
        [t["item"], t["tier"], t["value"], t["share"]],
        [(r["item"], r["tier"], r["value"], r["share"]) for r in summary["top"]],
    )

    scope = context["scope"]
    w.heading(2, t["scope_title"])
    if scope["description"]:
        w.heading(3, t["scope_description"])
        w.para(scope["description"])
    w.heading(3, t["functional_unit_title"])
    w.para(scope["functional_unit"])
    w.table([t["year"], t["users"]], [(u["year"], u["users"]) for u in scope["users"]])
    w.heading(3, t["tiers_title"])
    w.para(t["tiers_text"])
    w.heading(3, t["inventory_title"])
    w.table(
        [t["tier"], t["item"], t["kind"], t["quantity"], t["allocation"], t["lifetime"],
         t["years_active"]],
        [
            (tier["name"], i["id"], i["kind"], i["quantity"], i["allocation"], i["lifetime"],
             i["years"])
            for tier in scope["tiers"]
            for i in tier["items"]
        ],
    )  # fmt: skip
    w.heading(3, t["out_of_scope_title"])
    w.bullets(scope["out_of_scope"])

    method = context["method"]
    w.heading(2, t["method_title"])
    w.heading(3, t["dataset_title"])
    w.para(method["dataset"])
    if method["user_files"]:
        w.para(method["user_files"])
    w.heading(3, t["formulas_title"])
    w.bullets(method["formulas"])
    w.heading(3, t["electricity_title"])
    w.table(
        [t["country"], t["factor"], t["source"], t["year"]],
        [(e["country"], e["factor"], e["source"], e["year"]) for e in method["electricity"]],
    )
    w.heading(3, t["quality_title"])
    w.para(t["quality_text"])
    w.table([t["quality"], t["share"]], [(q["label"], q["share"]) for q in method["qualities"]])

    results = context["results"]
    w.heading(2, t["results_title"])
    w.heading(3, t["by_criterion_title"])
    w.table(
        [t["criterion"], t["total"], t["per_user_year"], t["completeness"], t["quality"]],
        [
            (
                f"{c['label']} ({c['code']})",
                c["total"],
                c["per_user_year"],
                c["status"],
                c["quality"],
            )
            for c in results["criteria"]
        ],
    )
    for title, key, rows in (
        (t["by_tier_title"], t["tier"], results["by_tier"]),
        (t["by_phase_title"], t["phase"], results["by_phase"]),
    ):
        w.heading(3, title)
        w.table(
            [key, *results["criteria_columns"], t["share"]],
            [(r["name"], *r["cells"], r["share"]) for r in rows],
        )
    w.heading(3, t["by_year_title"])
    w.table(
        [t["year"], t["users"], t["measured_gwp"], t["share"], t["sci_per_user"]],
        [(y["year"], y["users"], y["gwp"], y["share"], y["sci"]) for y in results["by_year"]],
    )
    w.para(t["results_note"])
    w.para(results["ranges_note"])
    drivers = context["drivers"]
    w.heading(3, t["drivers_title"])
    w.para(drivers["text"])
    if drivers["rows"]:
        w.table(
            [t["driver_input"], t["variance_share"], drivers["at_p5_title"],
             drivers["at_p95_title"]],
            [(d["input"], d["share"], d["at_p5"], d["at_p95"]) for d in drivers["rows"]],
        )  # fmt: skip

    measurements = context["measurements"]
    w.heading(2, t["measurements_title"])
    if measurements["provided"]:
        w.para(t["measurements_intro"])
        w.table(
            [t["measured_what"], t["measured_how"], t["measured_period"], t["measured_energy"],
             t["measured_gwp"], t["modelled_gwp"], t["ratio"], t["quality"]],
            [
                (m["what"], m["method"], m["period"], m["energy"], m["gwp"], m["modelled"],
                 m["ratio"], m["quality"])
                for m in measurements["rows"]
            ],
        )  # fmt: skip
    else:
        w.para(t["measurements_none"])

    rgesn = context["rgesn"]
    w.heading(2, t["ecodesign_title"])
    w.para(t["ecodesign_intro"])
    if rgesn["provided"]:
        w.para(f"{t['rgesn_score']}{t['colon']} {rgesn['score']}")
        w.table(
            [t["family"], t["validated"], t["not_validated"], t["not_applicable"],
             t["to_assess"], t["unanswered"], t["rgesn_score"]],
            [
                (f["name"], f["validated"], f["not_validated"], f["not_applicable"],
                 f["to_assess"], f["unanswered"], f["score"])
                for f in rgesn["families"]
            ],
        )  # fmt: skip
        w.heading(3, t["action_plan_title"])
        if rgesn["actions"]:
            w.table(
                [t["criterion"], t["priority"], t["action"], t["owner"], t["due"]],
                [
                    (f"{a['id']} {a['label']}", a["priority"], a["action"], a["owner"], a["due"])
                    for a in rgesn["actions"]
                ],
            )
        else:
            w.para(t["action_plan_none"])
        w.heading(3, t["declaration_title"])
        priority = "; ".join(
            f"{a['id']} — {a['action']} ({a['due']})" for a in rgesn["priority_actions"]
        )
        w.table(
            ["", ""],
            [(d["label"], d["value"]) for d in rgesn["declaration"]]
            + [(t["decl_priority_actions"], priority or "—")],
        )
        w.heading(3, t["criteria_answers_title"])
        w.table(
            [t["criterion"], t["priority"], t["status"], t["justification"]],
            [
                (f"{a['id']} {a['label']}", a["priority"], a["status"], a["justification"])
                for a in rgesn["answered"]
            ],
        )
    else:
        w.para(t["rgesn_none"])

    levers = context["levers"]
    w.heading(2, t["levers_title"])
    if levers["provided"]:
        w.para(t["levers_intro"])
        w.table(
            [t["lever"], f"{t['tier']} · {t['phase']}", t["expected_reduction"], t["indicator"],
             t["due"]],
            [
                (f"{lv['title']} — {lv['description']}" if lv["description"] else lv["title"],
                 lv["scope"], lv["expected"], lv["indicator"], lv["due"])
                for lv in levers["rows"]
            ],
        )  # fmt: skip
    else:
        w.para(t["levers_none"])
    scenarios = context["scenarios"]
    if scenarios["provided"]:
        w.heading(3, t["scenarios_title"])
        w.para(t["scenarios_intro"])
        w.table(
            [t["scenario"], t["total_horizon"], t["change"], t["change_pct"], t["per_user_year"],
             t["change_per_user_year"]],
            [
                (s["name"], s["total"], s["change"], s["change_pct"], s["per_user_year"],
                 s["change_per_user_year"])
                for s in scenarios["rows"]
            ],
        )  # fmt: skip
        w.para(scenarios["note"])
        w.heading(3, t["standard_levers_title"])
        if scenarios["levers"]:
            w.para(t["standard_levers_intro"])
            w.table(
                [t["lever"], t["total_horizon"], t["change"], t["change_pct"]],
                [
                    (s["name"], s["total"], s["change"], s["change_pct"])
                    for s in scenarios["levers"]
                ],
            )
        else:
            w.para(t["standard_levers_none"])

    applicant = context["applicant"]
    w.heading(2, t["applicant_title"])
    w.heading(3, t["horizontal_title"])
    w.bullets([f"{h['label']}{t['colon']} {h['text']}" for h in applicant["horizontal"]])
    w.heading(3, t["personal_data_title"])
    w.para(applicant["personal_data"])
    w.heading(3, t["technical_title"])
    w.bullets([f"{h['label']}{t['colon']} {h['text']}" for h in applicant["technical"]])

    finance = context["finance"]
    w.heading(2, t["finance_title"])
    w.heading(3, t["finance_check_title"])
    if finance["provided"]:
        w.para(finance["verdict"])
        if finance["amounts"]:
            w.table(["", t["value"]], [(a["label"], a["value"]) for a in finance["amounts"]])
        if finance["checks"]:
            w.table(
                [t["check"], t["result"], ""],
                [(c["label"], c["status"], c["message"]) for c in finance["checks"]],
            )
    else:
        w.para(t["finance_none"])
    w.heading(3, t["indicators_title"])
    w.table(
        [t["criterion"], t["value"], ""],
        [(i["label"], i["value"], i["note"]) for i in context["indicators"]],
    )

    limits = context["limits"]
    w.heading(2, t["limits_title"])
    w.heading(3, t["warnings_title"])
    if limits["warnings"]:
        w.bullets(
            [
                f"[{x['code']}] {x['text']}" + (f" — {x['items']}" if x["items"] else "")
                for x in limits["warnings"]
            ]
        )
    else:
        w.para(t["warnings_none"])
    w.heading(3, t["assumptions_title"])
    w.bullets(limits["limits"])

    w.heading(2, t["annex_title"])
    w.para(t["annex_intro"])
    w.table(
        [t["factor"], t["basis"], t["factor_values"], t["uncertainty"], t["source"]],
        [
            (f"{f['id']} — {f['label']}", f["basis"], f["values"], f["uncertainty"],
             f"{f['source']} ({f['year']}, {f['licence']}) {f['url']}".strip())
            for f in context["annex"]
        ],
    )  # fmt: skip
    w.heading(3, t["machine_title"])
    w.para(t["machine_text"].format(format=meta["payload_format"], digest=meta["digest"]))

    container = w.document.container
    assert container is not None  # a new document always has its package
    container.set_part(ODT_MEMBER, canonical_json(payload))
    w.document.manifest.add_full_path(ODT_MEMBER, "application/json")
    buffer = io.BytesIO()
    w.document.save(buffer)
    return buffer.getvalue()
