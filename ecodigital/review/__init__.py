"""Instructors' tools: compare submitted notes and dossiers, verify a note's figures.

``readers`` extracts a payload from an untrusted file (with limits before any
parsing), ``flags`` holds the stable codes raised on an application,
``compare`` builds one row per application, ``verify`` recomputes a note's
results, and ``report`` renders the comparison (table, HTML, CSV, XLSX, JSON).
"""

from __future__ import annotations

__all__: list[str] = []
