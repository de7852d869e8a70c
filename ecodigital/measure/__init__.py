"""Measuring with CodeCarbon: run a command or watch a machine, read and summarise the CSVs.

``run`` drives CodeCarbon's offline tracker, ``sidecar`` records how each part
of a measure was obtained, ``read`` reads CodeCarbon 2.x and 3.x CSV files,
``summarize`` aggregates runs, and ``link`` turns a dossier's ``measurements:``
into the measured energy the engine uses. CodeCarbon is imported only by ``run``.
"""

__all__: list[str] = []
