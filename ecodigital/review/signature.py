"""Check the applicant's signature of a submitted note, which is hostile input (``verify``).

Where the signature is
    A PDF note carries it inside (PAdES: a signature field whose ``/Contents``
    is a CMS signature of the bytes its ``/ByteRange`` names). Any other note
    has it beside, ``NOTE.p7s`` (or the file ``--signature`` names), as
    :mod:`ecodigital.signature.files` defines. No signature is neutral: the
    note is "non signée" and its verdict rests on its figures.
What is reported
    For each signature: who signed (the certificate's subject, issuer, serial
    number and validity period), when (the time the signer declares: nothing
    here is a timestamp from a third party), whether it covers the file as it
    is (a PAdES byte range covers the whole file except the signature value; a
    Markdown note's two files still have the digests it signed), whether the
    certificate was valid at that time, and whether its chain leads to an
    authority of the ``--trust`` file. Without ``--trust`` the chain is not
    checked: "signature valide, certificat non vérifié auprès d'une autorité".
What fails
    A signature that does not match the file or its certificate, a file changed
    after signing, a certificate not valid at the signing time, a chain that
    does not lead to the ``--trust`` authorities, and a signature that cannot
    be read: each makes the note fail (exit 1), with the reason.
Limits
    The signature file is a regular file of at most :data:`MAX_SIGNATURE_BYTES`,
    as is a PDF's ``/Contents``; at most :data:`MAX_SIGNATURES` signatures in a
    PDF and :data:`MAX_CERTIFICATES` certificates in one signature; a PDF within
    the note readers' size limit, every check within their time budget. Nothing is
    fetched: no OCSP, no CRL, no timestamp, no certificate from the signature's
    URLs, and not the system's trust store (revocation is not checked).

The checking is pyHanko's (``pip install 'ecodigital[signature]'``), imported
only when a note is signed; the optional extra missing is exit 4.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecodigital.errors import InputError, ToolUnavailable, UnreadableFile
from ecodigital.i18n import Count, Msg
from ecodigital.review.readers import (
    DEFAULT_LIMITS,
    ReadLimits,
    _OutOfTime,
    _read_bytes,
    _time_budget,
)
from ecodigital.signature.files import (
    MAX_MANIFEST_BYTES,
    manifest_digests,
    signature_path,
    signature_style,
)

if TYPE_CHECKING:
    from asn1crypto import cms as asn1_cms
    from asn1crypto import x509 as asn1_x509

__all__ = [
    "FUTURE_TOLERANCE",
    "MAX_CERTIFICATES",
    "MAX_SIGNATURES",
    "MAX_SIGNATURE_BYTES",
    "SignatureCheck",
    "SignerReport",
    "certificate_time",
    "check_signature",
    "load_trust",
    "signature_lines",
]

#: Largest signature file, and largest ``/Contents`` of a PDF signature (bytes).
MAX_SIGNATURE_BYTES: Final = 1024 * 1024
#: Most signatures read in one PDF.
MAX_SIGNATURES: Final = 10
#: Most certificates in one signature (the signer's and its chain).
MAX_CERTIFICATES: Final = 20
#: A signing time later than now by more than this is not believed (clocks drift a little).
FUTURE_TOLERANCE: Final = dt.timedelta(hours=1)
#: Key usages of a signing certificate, either is enough (checked with the chain).
_KEY_USAGES: Final = frozenset({"digital_signature", "non_repudiation"})
_BYTE_RANGE: Final = re.compile(rb"/ByteRange\s*\[")
_PEM: Final = re.compile(
    rb"-----BEGIN (?P<label>PKCS7|CMS)-----(?P<body>[A-Za-z0-9+/=\s]*)-----END (?P=label)-----"
)
#: pyHanko's trust sub-indications, in the words of ``verify_signature.trust_problem``.
_TRUST_PROBLEMS: Final = {
    "NO_CERTIFICATE_CHAIN_FOUND": "no_chain",
    "EXPIRED": "chain_time",
    "NOT_YET_VALID": "chain_time",
    "OUT_OF_BOUNDS_NO_POE": "chain_time",
    "OUT_OF_BOUNDS_NOT_REVOKED": "chain_time",
    "REVOKED_NO_POE": "revoked",
    "REVOKED_CA_NO_POE": "revoked",
    "CHAIN_CONSTRAINTS_FAILURE": "constraints",
    "CRYPTO_CONSTRAINTS_FAILURE": "weak",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "weak",
}


@dataclass(frozen=True)
class SignerReport:
    """One signature of a note, checked."""

    subject: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    #: The time the signer's computer declared (``None``: none declared).
    signing_time: dt.datetime | None
    #: The digest the signature holds is the file's (the content was not changed).
    intact: bool
    #: The signature value matches the certificate's public key.
    valid: bool
    #: ``file`` (the file as it is), ``files`` (a Markdown note's text and data), ``revision``
    #: (an earlier revision of a PDF, whose later changes a later signature covers),
    #: ``modified`` (changed after signing) or ``partial`` (a byte range that leaves out more
    #: than the signature value).
    coverage: str
    #: The roles of a Markdown note's files changed after signing.
    modified: tuple[str, ...] = ()
    byte_range: tuple[int, ...] | None = None
    #: Bytes of a PDF after the end of the byte range (later revisions).
    appended: int = 0
    #: :func:`certificate_time` at the signing time.
    certificate_time: str = "valid"
    expired_now: bool = False
    #: ``not_checked`` (no ``--trust``), ``trusted`` or ``untrusted``.
    trust: str = "not_checked"
    trust_anchor: str | None = None
    #: pyHanko's sub-indication when the chain was not accepted, or an algorithm refused.
    trust_problem: str | None = None
    weak_algorithm: bool = False

    @property
    def ok(self) -> bool:
        return (
            self.intact
            and self.valid
            and self.coverage not in ("modified", "partial")
            and self.certificate_time in ("valid", "undeclared")
            and self.trust != "untrusted"
            and not self.weak_algorithm
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "intact": self.intact,
            "valid": self.valid,
            "coverage": self.coverage,
            "modified": list(self.modified),
            "byte_range": list(self.byte_range) if self.byte_range is not None else None,
            "appended_bytes": self.appended,
            "certificate_time": self.certificate_time,
            "expired_now": self.expired_now,
            "trust": self.trust,
            "trust_anchor": self.trust_anchor,
            "trust_problem": self.trust_problem,
            "weak_algorithm": self.weak_algorithm,
        }


@dataclass(frozen=True)
class SignatureCheck:
    """What ``verify`` found of a note's signature: ``unsigned``, ``checked`` or ``unreadable``."""

    status: str
    #: Where the signature was read (the ``.p7s``, or the PDF itself).
    file: str | None = None
    #: ``pades``, ``detached`` or ``manifest``.
    style: str | None = None
    signers: tuple[SignerReport, ...] = ()
    #: Why the signature could not be read.
    problem: Msg | None = None
    trust_file: str | None = None
    #: The files a Markdown note's signature covers (text, data) or the note itself.
    covers: tuple[str, ...] = field(default_factory=tuple)
    #: A signature was required (``--require-signature``): unsigned does not hold.
    required: bool = False

    @property
    def ok(self) -> bool:
        """Unsigned (when no signature is required), or every signature holds."""
        if self.status == "unsigned":
            return not self.required
        return self.status == "checked" and bool(self.signers) and all(s.ok for s in self.signers)

    @property
    def verdict(self) -> str:
        """``unsigned``, ``missing`` (unsigned, a signature required), ``valid`` or ``fails``."""
        if self.status == "unsigned":
            return "missing" if self.required else "unsigned"
        return "valid" if self.ok else "fails"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.verdict,
            "file": self.file,
            "style": self.style,
            "covers": list(self.covers),
            "trust_file": self.trust_file,
            "problem": self.problem.key.rpartition(".")[2] if self.problem else None,
            "detail": self.problem.render("en") if self.problem else None,
            "signers": [signer.to_json() for signer in self.signers],
        }


# --------------------------------------------------------------------------- helpers


def certificate_time(
    signing_time: dt.datetime | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    now: dt.datetime,
) -> str:
    """Whether a certificate was valid when it signed: ``valid``, ``expired``,
    ``not_yet_valid``, ``future`` (a signing time later than ``now``, beyond
    :data:`FUTURE_TOLERANCE`), or, with no signing time declared, ``undeclared`` when it
    is valid ``now`` (else ``expired`` or ``not_yet_valid`` now).

    >>> day = lambda d: dt.datetime(2026, 1, d, tzinfo=dt.UTC)
    >>> certificate_time(day(5), day(1), day(10), day(20))
    'valid'
    >>> certificate_time(day(12), day(1), day(10), day(20))
    'expired'
    >>> certificate_time(None, day(1), day(30), day(20))
    'undeclared'
    """
    moment = signing_time or now
    if signing_time is not None and signing_time > now + FUTURE_TOLERANCE:
        return "future"
    if moment < not_before:
        return "not_yet_valid"
    if moment > not_after:
        return "expired"
    return "valid" if signing_time is not None else "undeclared"


def _unreadable(file: Path, problem: Msg, style: str | None = None) -> SignatureCheck:
    return SignatureCheck("unreadable", str(file), style, problem=problem)


def _problem(key: str, **params: object) -> Msg:
    return Msg(f"verify_signature.problem.{key}", params)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko's loggers and warnings silenced: a hostile file is reported once, as ours."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _pyhanko() -> None:
    """Refuse, with the command that installs it, when the optional extra is missing."""
    from ecodigital.signature.sign import INSTALL_SIGNATURE

    try:
        import pyhanko.sign.validation  # noqa: F401
    except ImportError:
        raise ToolUnavailable(
            Msg("verify_signature.error.no_pyhanko", {"install": INSTALL_SIGNATURE})
        ) from None


def _rfc4514(certificate: asn1_x509.Certificate, part: str) -> str:
    """The certificate's ``subject`` or ``issuer`` as RFC 4514 text (``CN=...,O=...``)."""
    from cryptography import x509

    try:
        parsed = x509.load_der_x509_certificate(certificate.dump())
        name = parsed.subject if part == "subject" else parsed.issuer
        return name.rfc4514_string()[:200]
    except ValueError:  # cryptography is stricter than asn1crypto: say what asn1crypto read
        return str(certificate[part].human_friendly)[:200]


def _serial(number: int) -> str:
    """A serial number as certificate viewers show it.

    >>> _serial(0x1A2B3)
    '01:A2:B3'
    """
    digits = f"{number:X}"
    digits = "0" * (len(digits) % 2) + digits
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))[:120]


def load_trust(path: Path) -> list[asn1_x509.Certificate]:
    """The authorities of an instructor's ``--trust`` file (PEM, one or more certificates)."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509

    from ecodigital.fileio import read_input_bytes

    data = read_input_bytes(path, "credential")
    try:
        if b"-----BEGIN" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise InputError(
            str(path),
            None,
            Msg("verify_signature.error.trust"),
            Msg("verify_signature.error.trust_fix"),
        ) from None
    from cryptography.hazmat.primitives.serialization import Encoding

    return [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in certificates]


def _context(trust: list[asn1_x509.Certificate] | None, moment: dt.datetime | None) -> Any:
    """A validation context that fetches nothing: no system trust store, no OCSP or CRL."""
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=list(trust or []),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
    )


def _key_usage() -> Any:
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    return KeyUsageConstraints(key_usage=set(_KEY_USAGES), match_all_key_usages=False)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A time with its zone: a signing time written without one is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def _moment(signing_time: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the chain is checked: at the declared signing time, unless it lies in the future."""
    if signing_time is None or signing_time > now:
        return now
    return signing_time


def _signer_report(
    status: Any,
    signing_time: dt.datetime | None,
    trust: list[asn1_x509.Certificate] | None,
    now: dt.datetime,
    **coverage: Any,
) -> SignerReport:
    """A :class:`SignerReport` from pyHanko's status of one signature."""
    certificate = status.signing_cert
    validity = certificate["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    problem = status.trust_problem_indic.name if status.trust_problem_indic else None
    weak = problem in ("CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")
    verdict = "not_checked"
    anchor = None
    if trust is not None and not weak and status.valid:
        verdict = "trusted" if problem is None else "untrusted"
        path = status.validation_path
        if verdict == "trusted" and path is not None:
            with contextlib.suppress(Exception):
                anchor = _rfc4514(path.first, "subject")
    return SignerReport(
        subject=_rfc4514(certificate, "subject"),
        issuer=_rfc4514(certificate, "issuer"),
        serial=_serial(int(certificate.serial_number)),
        not_before=not_before,
        not_after=not_after,
        signing_time=signing_time,
        intact=bool(status.intact),
        valid=bool(status.valid),
        certificate_time=certificate_time(signing_time, not_before, not_after, now),
        expired_now=now > not_after,
        trust=verdict,
        trust_anchor=anchor,
        trust_problem=problem if (trust is not None or weak) else None,
        weak_algorithm=weak,
        **coverage,
    )


# --------------------------------------------------------------------------- CMS beside a note


def _der(data: bytes) -> bytes:
    """A CMS signature as DER: as it is, or decoded from PEM (``PKCS7`` or ``CMS``)."""
    import base64
    import binascii

    match = _PEM.search(data)
    if match is None:
        return data
    try:
        return base64.b64decode(b"".join(match["body"].split()), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _signed_data(der: bytes) -> asn1_cms.SignedData | Msg:
    """The ``SignedData`` of a CMS signature, or the problem that keeps it from being read."""
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            return _problem("not_signed_data")
        signed = info["content"]
        count = len(signed["signer_infos"])
        certificates = signed["certificates"]
        certificate_count = len(certificates) if certificates.native is not None else 0
    except Exception as exc:  # asn1crypto raises many types on malformed DER
        return _problem("not_cms", reason=_reason(exc))
    if count != 1:
        return _problem("signers", n=Count(count))
    if certificate_count > MAX_CERTIFICATES:
        return _problem("certificates", n=Count(certificate_count), limit=Count(MAX_CERTIFICATES))
    return signed


def _reason(exc: BaseException) -> str:
    words = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"{type(exc).__name__}: {words}" if words else type(exc).__name__


def _check_beside(
    note: Path,
    style: str,
    where: Path,
    trust: list[asn1_x509.Certificate] | None,
    limits: ReadLimits,
    now: dt.datetime,
) -> SignatureCheck:
    import asyncio

    from asn1crypto import core
    from pyhanko.sign.validation import (
        StandardCMSSignatureStatus,
        async_validate_cms_signature,
        async_validate_detached_cms,
    )
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    from ecodigital.report.payload import sidecar_path

    try:
        data = _read_bytes(where, MAX_SIGNATURE_BYTES)
    except UnreadableFile as exc:
        return _unreadable(where, _problem("file", reason=exc.problem), style)
    signed = _signed_data(_der(data))
    if isinstance(signed, Msg):
        return _unreadable(where, signed, style)
    covers: tuple[Path, ...] = (note, sidecar_path(note)) if style == "manifest" else (note,)
    content = signed["encap_content_info"]["content"]
    coverage: dict[str, Any]
    try:
        signer = signed["signer_infos"][0]
        signing_time = _utc(extract_self_reported_ts(signer))
        context = _context(trust, _moment(signing_time, now) if trust is not None else None)
        if style == "manifest":
            if content is core.VOID or len(bytes(content)) > MAX_MANIFEST_BYTES:
                return _unreadable(where, _problem("not_manifest"), style)
            digests = manifest_digests(bytes(content))
            if digests is None:
                return _unreadable(where, _problem("not_manifest"), style)
            modified = tuple(
                role
                for role, path in zip(digests, covers, strict=True)
                if _sha256(path, limits) != digests[role]
            )
            status = asyncio.run(
                async_validate_cms_signature(
                    signed,
                    status_cls=StandardCMSSignatureStatus,
                    validation_context=context,
                    key_usage_settings=_key_usage(),
                )
            )
            coverage = {"coverage": "modified" if modified else "files", "modified": modified}
        else:
            if content is not core.VOID:
                return _unreadable(where, _problem("not_detached"), style)
            status = asyncio.run(
                async_validate_detached_cms(
                    _read_bytes(note, limits.max_file_bytes),
                    signed,
                    signer_validation_context=context,
                    key_usage_settings=_key_usage(),
                )
            )
            coverage = {"coverage": "file" if status.intact else "modified"}
        report = _signer_report(status, signing_time, trust, now, **coverage)
    except UnreadableFile:
        raise
    except Exception as exc:  # pyHanko and asn1crypto raise many types on malformed input
        return _unreadable(where, _problem("not_cms", reason=_reason(exc)), style)
    names = tuple(str(path) for path in covers)
    return SignatureCheck("checked", str(where), style, (report,), covers=names)


def _sha256(path: Path, limits: ReadLimits) -> str:
    import hashlib

    return hashlib.sha256(_read_bytes(path, limits.max_file_bytes)).hexdigest()


# --------------------------------------------------------------------------- PAdES


def _check_pdf(
    note: Path,
    trust: list[asn1_x509.Certificate] | None,
    limits: ReadLimits,
    now: dt.datetime,
) -> SignatureCheck:
    import io

    data = _read_bytes(note, limits.max_file_bytes)
    if _BYTE_RANGE.search(data) is None:
        return SignatureCheck("unsigned")
    _pyhanko()
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
        if not signatures:
            return SignatureCheck("unsigned")
        if len(signatures) > MAX_SIGNATURES:
            limit = Count(MAX_SIGNATURES)
            return _unreadable(note, _problem("too_many", n=Count(len(signatures)), limit=limit))
        reports = _later_covered([_pades_signer(s, trust, now, len(data)) for s in signatures])
    except _Refused as refused:
        return _unreadable(note, refused.problem, "pades")
    except Exception as exc:  # pyHanko raises many types on malformed files
        return _unreadable(note, _problem("not_pdf_signature", reason=_reason(exc)), "pades")
    return SignatureCheck("checked", str(note), "pades", reports, covers=(str(note),))


def _later_covered(reports: list[SignerReport]) -> tuple[SignerReport, ...]:
    """A signature of an earlier revision holds when a later signature that holds covers the
    whole file; otherwise what was added after it is signed by no one, and it fails."""
    checked: list[SignerReport] = []
    for index, report in enumerate(reports):
        later = any(r.ok and r.coverage == "file" for r in reports[index + 1 :])
        if report.coverage == "revision" and not later:
            report = dataclasses.replace(report, coverage="modified")
        checked.append(report)
    return tuple(checked)


class _Refused(Exception):
    """A PDF signature over a limit, before it is checked."""

    def __init__(self, problem: Msg) -> None:
        super().__init__(problem.key)
        self.problem = problem


def _pades_signer(
    signature: Any, trust: list[asn1_x509.Certificate] | None, now: dt.datetime, size: int
) -> SignerReport:
    """One PDF signature checked: its integrity, its certificate, and what its byte range
    covers. pyHanko's analysis of the changes made after a signature is not run: it takes
    minutes on a note's thousands of objects. A signature either covers the whole file, or an
    earlier revision (:func:`_later_covered` then asks for a later one that covers the file)."""
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature

    contents = signature.sig_object.get("/Contents")
    length = len(contents) if contents is not None else 0
    if length > MAX_SIGNATURE_BYTES:
        limit = Count(MAX_SIGNATURE_BYTES)
        raise _Refused(_problem("contents", size=Count(length), limit=limit))
    certificates = signature.signed_data["certificates"]
    count = len(certificates) if certificates.native is not None else 0
    if count > MAX_CERTIFICATES:
        limit = Count(MAX_CERTIFICATES)
        raise _Refused(_problem("certificates", n=Count(count), limit=limit))
    signing_time = _utc(signature.self_reported_timestamp)
    context = _context(trust, _moment(signing_time, now) if trust is not None else None)
    status = validate_pdf_signature(
        signature,
        signer_validation_context=context,
        key_usage_settings=_key_usage(),
        skip_diff=True,
    )
    byte_range = tuple(int(n) for n in signature.byte_range)
    end = byte_range[-2] + byte_range[-1] if len(byte_range) >= 2 else 0
    coverage = "partial"
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        coverage = "file"
    elif status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        coverage = "revision"
    return _signer_report(
        status,
        signing_time,
        trust,
        now,
        coverage=coverage,
        appended=max(size - end, 0),
        byte_range=byte_range,
    )


# --------------------------------------------------------------------------- entry point


def check_signature(
    note: Path,
    kind: str,
    *,
    signature: Path | None = None,
    trust: Path | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    now: dt.datetime | None = None,
    required: bool = False,
) -> SignatureCheck:
    """The signature of the note ``note`` (a ``kind`` of file, as its reader found it).

    ``signature`` names the signature file of a note that is not a PDF (default: beside
    it, :func:`~ecodigital.signature.files.signature_path`); ``trust`` a PEM file of the
    authorities the signer's chain must lead to; ``required``: an unsigned note does not
    hold. Bad arguments are an
    :class:`~ecodigital.errors.InputError`; a missing pyHanko a
    :class:`~ecodigital.errors.ToolUnavailable`; whatever is wrong with the signature itself
    is in the result.
    """
    note = Path(note)
    style = signature_style(kind)
    if style == "pades" and signature is not None:
        raise InputError(
            str(signature),
            "--signature",
            Msg("verify_signature.error.pdf_inside"),
            Msg("verify_signature.error.pdf_inside_fix"),
        )
    if signature is not None and not signature.exists():
        raise InputError(
            str(signature),
            "--signature",
            Msg("verify_signature.error.not_found"),
            Msg("verify_signature.error.not_found_fix"),
        )
    roots = load_trust(trust) if trust is not None else None
    moment = now or dt.datetime.now(dt.UTC)
    where = signature or signature_path(note)
    if style != "pades" and signature is None and not where.exists() and not where.is_symlink():
        return SignatureCheck(
            "unsigned", trust_file=str(trust) if trust else None, required=required
        )
    seconds = float(limits.max_pdf_seconds)
    try:
        with _quiet(), _time_budget(seconds):  # the PDF readers' budget, for every signature
            if style == "pades":
                check = _check_pdf(note, roots, limits, moment)
            else:
                _pyhanko()
                check = _check_beside(note, style, where, roots, limits, moment)
    except _OutOfTime:
        where = note if style == "pades" else where
        check = _unreadable(where, _problem("slow", seconds=seconds), style)
    return dataclasses.replace(
        check, trust_file=str(trust) if trust is not None else check.trust_file, required=required
    )


# --------------------------------------------------------------------------- words


def _when(moment: dt.datetime, lang: str) -> str:
    from ecodigital.i18n.format import format_date

    utc = moment.astimezone(dt.UTC)
    return f"{format_date(utc.date(), lang)} {utc:%H:%M} UTC"


def _day(moment: dt.datetime, lang: str) -> str:
    from ecodigital.i18n.format import format_date

    return format_date(moment.astimezone(dt.UTC).date(), lang) or ""


def signature_lines(check: SignatureCheck, lang: str) -> list[str]:
    """What ``verify`` says of a note's signature, one line each."""
    from ecodigital.i18n import catalogue
    from ecodigital.review.compare import clean_text

    words = catalogue(lang)

    def say(key: str, **params: Any) -> str:
        return words.text(f"verify_signature.{key}", **params)

    if check.status == "unsigned":
        return [say("missing" if check.required else "unsigned")]
    if check.status == "unreadable":
        reason = clean_text(check.problem.render(lang), 400) if check.problem else "—"
        return [say("unreadable", file=clean_text(check.file or "", 400), reason=reason)]
    lines: list[str] = []
    many = len(check.signers) > 1
    for index, signer in enumerate(check.signers, 1):
        subject = clean_text(signer.subject) or "—"
        head = f"{index}/{len(check.signers)} " if many else ""
        key = "fails"
        if signer.ok:
            key = "valid_trusted" if signer.trust == "trusted" else "valid"
        lines.append(say(key, index=head, subject=subject))
        lines.append(
            say(
                "certificate",
                issuer=clean_text(signer.issuer) or "—",
                serial=clean_text(signer.serial),
                start=_day(signer.not_before, lang),
                end=_day(signer.not_after, lang),
            )
        )
        if signer.signing_time is not None:
            lines.append(say("signed_at", time=_when(signer.signing_time, lang)))
        else:
            lines.append(say("no_time"))
        if not signer.valid:
            lines.append(say("invalid"))
        lines += _coverage_lines(check, signer, say)
        lines.append(
            say(
                f"time.{signer.certificate_time}",
                start=_day(signer.not_before, lang),
                end=_day(signer.not_after, lang),
            )
        )
        if signer.expired_now and signer.certificate_time == "valid":
            lines.append(say("expired_now", end=_day(signer.not_after, lang)))
        if signer.weak_algorithm:
            lines.append(say("weak"))
        lines.append(_trust_line(check, signer, say))
    return lines


def _coverage_lines(
    check: SignatureCheck, signer: SignerReport, say: Callable[..., str]
) -> list[str]:
    from ecodigital.review.compare import clean_text

    names = [clean_text(Path(path).name) for path in check.covers]
    if not signer.intact and check.style != "detached":
        return [say("covers.altered")]
    if signer.coverage == "file" and signer.byte_range is not None:
        return [say("covers.pades", range=_ranges(signer))]
    if signer.coverage == "file":
        return [say("covers.file", file=names[0] if names else "—")]
    if signer.coverage == "files":
        return [say("covers.files", markdown=names[0], sidecar=names[-1])]
    if signer.coverage == "revision":
        return [say("covers.revision", range=_ranges(signer), n=Count(signer.appended))]
    if signer.coverage == "partial":
        return [say("covers.partial", range=_ranges(signer))]
    if check.style == "manifest":
        by_role = dict(zip(("markdown", "sidecar"), names, strict=False))
        return [
            say("covers.modified_file", file=by_role.get(role, role)) for role in signer.modified
        ]
    if check.style == "pades":
        return [say("covers.modified_pdf", n=Count(signer.appended))]
    return [say("covers.modified_file", file=names[0] if names else "—")]


def _ranges(signer: SignerReport) -> str:
    """A byte range as the bytes it covers: ``0–209757, 213129–213675``."""
    ranges = signer.byte_range or ()
    return ", ".join(
        f"{ranges[i]}–{ranges[i] + ranges[i + 1] - 1}" for i in range(0, len(ranges) - 1, 2)
    )


def _trust_line(check: SignatureCheck, signer: SignerReport, say: Callable[..., str]) -> str:
    from ecodigital.review.compare import clean_text

    trust_file = clean_text(Path(check.trust_file).name) if check.trust_file else "—"
    if signer.trust == "trusted":
        return say("trust.trusted", anchor=clean_text(signer.trust_anchor or "—"), file=trust_file)
    if signer.trust == "untrusted":
        reason = _TRUST_PROBLEMS.get(signer.trust_problem or "", "other")
        because = say(f"trust_problem.{reason}", code=signer.trust_problem or "—")
        return say("trust.untrusted", file=trust_file, reason=because)
    if check.trust_file and not signer.valid:
        return say("trust.skipped", file=trust_file)
    return say("trust.not_checked")
