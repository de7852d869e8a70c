"""Write ecodigital/countries.csv from Debian's iso-codes (ISO 3166-1).

Run on Debian or Ubuntu with the iso-codes package installed:
    python3 scripts/make-countries.py
"""

from __future__ import annotations

import csv
import gettext
import io
import json
from pathlib import Path

SOURCE = Path("/usr/share/iso-codes/json/iso_3166-1.json")
TARGET = Path(__file__).resolve().parents[1] / "ecodigital" / "countries.csv"


def main() -> None:
    rows = json.loads(SOURCE.read_text(encoding="utf-8"))["3166-1"]
    french = gettext.translation("iso_3166-1", "/usr/share/locale", languages=["fr"])
    out = io.StringIO()
    out.write(
        "# ISO 3166-1 country codes and names in English and French, from Debian's iso-codes\n"
        "# package 4.15.0 (https://salsa.debian.org/iso-codes-team/iso-codes, LGPL-2.1-or-later),\n"
        "# written by scripts/make-countries.py.\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alpha_3", "alpha_2", "name_en", "name_fr"])
    for row in sorted(rows, key=lambda r: r["alpha_3"]):
        name = row.get("common_name", row["name"])
        writer.writerow([row["alpha_3"], row["alpha_2"], name, french.gettext(row["name"])])
    TARGET.write_text(out.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
