"""The applicant's electronic signature of a note (optional).

``files`` says what is signed and where the signature goes, for the one who
signs and the one who checks; ``sign`` loads the applicant's key and
certificate and writes the signature (``ecodigital sign``). The check of a
signature received lives with the instructors' tools, in
:mod:`ecodigital.review.signature`, where every file is hostile.
"""

from __future__ import annotations

__all__: list[str] = []
