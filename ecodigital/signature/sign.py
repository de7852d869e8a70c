"""Sign a note with the applicant's own key and certificate (``ecodigital sign``).

Credentials
    A private key and its X.509 certificate in PEM (or DER), the key
    encrypted or not, the certificate file possibly followed by its chain; or
    one PKCS #12 file (``.p12``, ``.pfx``) holding all of them. RSA and
    elliptic-curve keys. The passphrase of an encrypted key is never an
    option of the command line (it would be in the shell's history and the
    process list): it is read from ``$ECODIGITAL_SIGN_PASSPHRASE``, or asked
    on the terminal without echo. The certificate must match the key and be
    valid now.
What is written
    :mod:`ecodigital.signature.files`: PAdES inside a signed copy of a PDF
    note, a CMS signature beside the other formats. The note itself is never
    changed. ``--force`` replaces an existing output only when it is a
    signature already (a CMS ``SignedData``, or a signed copy of this very
    note): no file of the user's is lost.
What is not
    Nothing leaves the machine: no timestamp authority, no OCSP or CRL. The
    signing time is the computer's clock, as the signer declares it.

The CMS signatures are made with ``cryptography`` (a dependency already);
the PAdES signature needs pyHanko, the optional extra ``signature``, imported
only here and only for a PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from ecodigital.errors import InputError, OutputError, ToolUnavailable
from ecodigital.i18n import Count, Msg
from ecodigital.signature.files import (
    MANIFEST_ROLES,
    SIGNATURE_SUFFIX,
    markdown_manifest,
    signature_path,
    signature_style,
    signed_pdf_path,
)

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = [
    "INSTALL_SIGNATURE",
    "MAX_CHAIN",
    "PASSPHRASE_VARIABLE",
    "Credentials",
    "SignedNote",
    "load_credentials",
    "sign_note",
    "signed_lines",
]

#: Where ``ecodigital sign`` reads the passphrase of an encrypted key when it is set.
PASSPHRASE_VARIABLE: Final = "ECODIGITAL_SIGN_PASSPHRASE"
#: The command that installs what signing and checking a PDF signature need.
INSTALL_SIGNATURE: Final = "pip install 'ecodigital[signature]'"
#: Most certificates of a chain put in a signature.
MAX_CHAIN: Final = 10
#: The signedData content type (1.2.840.113549.1.7.2) as DER: an existing CMS signature has it
#: in its first bytes.
_SIGNED_DATA_OID: Final = bytes.fromhex("06092a864886f70d010702")

#: Asks the passphrase of the file named (``None``: no way to ask).
Passphrase = Callable[[str], bytes | None]


@dataclass(frozen=True)
class Credentials:
    """The applicant's signing key, its certificate and the certificates of its chain."""

    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class SignedNote:
    """What ``ecodigital sign`` wrote."""

    path: Path
    #: ``pades``, ``detached`` or ``manifest`` (see :mod:`ecodigital.signature.files`).
    style: str
    #: The files the signature covers.
    covers: tuple[Path, ...]
    subject: str
    not_after: dt.datetime


# --------------------------------------------------------------------------- credentials


def _read(path: Path) -> bytes:
    from ecodigital.fileio import read_input_bytes

    return read_input_bytes(path, "credential")


def _bad(path: Path, problem: str, fix: str | None = None, **params: object) -> InputError:
    return InputError(
        str(path),
        None,
        Msg(f"sign.error.{problem}", params),
        Msg(f"sign.error.{fix}", params) if fix else None,
    )


def _with_passphrase(
    path: Path,
    passphrase: Passphrase,
    load: Callable[[bytes | None], object],
    encrypted: type[Exception],
) -> object:
    """``load(None)``, or with the passphrase asked when it raises ``encrypted``."""
    try:
        return load(None)
    except encrypted:
        pass
    secret = passphrase(str(path))
    if secret is None:
        raise _bad(path, "passphrase_needed", "passphrase_fix", variable=PASSPHRASE_VARIABLE)
    try:
        return load(secret)
    except (TypeError, ValueError):
        raise _bad(
            path, "passphrase_wrong", "passphrase_fix", variable=PASSPHRASE_VARIABLE
        ) from None


def _private_key(path: Path, data: bytes, passphrase: Passphrase) -> object:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    pem = b"-----BEGIN" in data
    load = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        # cryptography raises TypeError for an encrypted key read without its passphrase
        return _with_passphrase(path, passphrase, lambda secret: load(data, secret), TypeError)
    except (ValueError, UnsupportedAlgorithm):
        raise _bad(path, "not_key", "key_fix") from None


def _certificates(path: Path, data: bytes) -> list[x509.Certificate]:
    from cryptography import x509

    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise _bad(path, "not_certificate", "certificate_fix") from None


def _pkcs12(path: Path, passphrase: Passphrase) -> tuple[object, list[x509.Certificate]]:
    from cryptography.hazmat.primitives.serialization import pkcs12

    data = _read(path)
    if not data.startswith(b"\x30"):  # a DER SEQUENCE, as every PKCS #12 file
        raise _bad(path, "not_pkcs12", "pkcs12_fix")

    def load(secret: bytes | None) -> object:
        if secret is not None:
            return pkcs12.load_key_and_certificates(data, secret)
        try:
            return pkcs12.load_key_and_certificates(data, None)
        except ValueError:  # many PKCS #12 files have an empty passphrase
            return pkcs12.load_key_and_certificates(data, b"")

    # a wrong passphrase and a file that is not PKCS #12 are the same ValueError
    loaded = _with_passphrase(path, passphrase, load, ValueError)
    key, certificate, others = cast("tuple[object, Any, list[Any]]", loaded)
    if key is None:
        raise _bad(path, "pkcs12_no_key", "pkcs12_fix")
    certificates = ([certificate] if certificate is not None else []) + list(others)
    return key, certificates


def _public_der(key: object) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_credentials(
    *,
    key: Path | None = None,
    cert: Path | None = None,
    pkcs12: Path | None = None,
    passphrase: Passphrase = lambda _path: None,
    now: dt.datetime | None = None,
) -> Credentials:
    """The key and certificates of ``key`` and ``cert`` (PEM or DER; ``cert`` may be left out
    when the key's file holds the certificate too), or of a ``pkcs12`` file.

    The certificate is the one whose public key is the key's; the others are its chain. It
    must be valid at ``now`` (this moment when not given).
    """
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if pkcs12 is not None and (key is not None or cert is not None):
        raise InputError(None, "--pkcs12", Msg("sign.error.both"), Msg("sign.error.both_fix"))
    if pkcs12 is not None:
        private, certificates = _pkcs12(pkcs12, passphrase)
        source = pkcs12
    elif key is not None:
        data = _read(key)
        private = _private_key(key, data, passphrase)
        source = cert if cert is not None else key
        if cert is not None:
            certificates = _certificates(cert, _read(cert))
        else:  # a key file that holds its certificate too
            certificates = _certificates(key, data) if b"CERTIFICATE-----" in data else []
    else:
        raise InputError(None, "--key", Msg("sign.error.no_key"), Msg("sign.error.no_key_fix"))
    if not isinstance(private, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise _bad(key or source, "key_type", "key_type_fix", kind=type(private).__name__)
    if not certificates:
        raise _bad(source, "no_certificate", "certificate_fix")
    mine = _public_der(private.public_key())
    leaf = [c for c in certificates if _public_der(c.public_key()) == mine]
    if not leaf:
        raise _bad(source, "mismatch", "mismatch_fix", key=str(key or source))
    chain = tuple(c for c in certificates if c is not leaf[0])
    if len(chain) > MAX_CHAIN:
        raise _bad(source, "chain_long", "chain_fix", n=Count(len(chain)), limit=Count(MAX_CHAIN))
    moment = now or dt.datetime.now(dt.UTC)
    certificate = leaf[0]
    if moment > certificate.not_valid_after_utc:
        day = certificate.not_valid_after_utc.date().isoformat()
        raise _bad(source, "expired", "expired_fix", date=day)
    if moment < certificate.not_valid_before_utc:
        day = certificate.not_valid_before_utc.date().isoformat()
        raise _bad(source, "not_yet_valid", "expired_fix", date=day)
    return Credentials(private, certificate, chain)


# --------------------------------------------------------------------------- signing


def _cms(content: bytes, credentials: Credentials, *, detached: bool) -> bytes:
    """A CMS ``SignedData`` (DER) of ``content`` by ``credentials``, with SHA-256 and the
    signed attributes content type, signing time and message digest."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(credentials.certificate, credentials.key, hashes.SHA256())
    )
    for certificate in credentials.chain:
        builder = builder.add_certificate(certificate)
    options = [pkcs7.PKCS7Options.Binary]  # the bytes as they are, never as MIME text
    if detached:
        options.append(pkcs7.PKCS7Options.DetachedSignature)
    return builder.sign(serialization.Encoding.DER, options)


def _pades(note: bytes, credentials: Credentials) -> bytes:
    """The PDF ``note`` with a PAdES B-B signature added in an incremental update."""
    import io

    try:
        from asn1crypto import x509 as asn1_x509
        from pyhanko.keys import load_private_key_from_pemder_data
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore
    except ImportError:
        raise ToolUnavailable(
            Msg("sign.error.no_pyhanko", {"install": INSTALL_SIGNATURE})
        ) from None
    from cryptography.hazmat.primitives import serialization

    der = serialization.Encoding.DER
    key = credentials.key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(credentials.certificate.public_bytes(der)),
        signing_key=load_private_key_from_pemder_data(key, None),
        cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in credentials.chain]
        ),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(note), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=_free_field_name(writer),
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=signer, output=out)
    return out.getvalue()


def _free_field_name(writer: object) -> str:
    """``Signature1``, or the next name no signature field of the PDF has."""
    from pyhanko.sign.fields import enumerate_sig_fields

    taken = {name for name, _value, _ref in enumerate_sig_fields(writer)}  # type: ignore[arg-type]
    number = 1
    while f"Signature{number}" in taken:
        number += 1
    return f"Signature{number}"


def _is_previous_signature(target: Path, style: str, note: bytes) -> bool:
    """Whether the existing ``target`` is a signature ``--force`` may replace: a CMS signature
    (DER), or a signed copy of this very PDF note (its first bytes are the note's)."""
    try:
        with target.open("rb") as handle:
            head = handle.read(len(note) + 1 if style == "pades" else 32)
    except OSError:
        return False
    if style == "pades":
        return len(head) > len(note) and head.startswith(note)
    return head[:1] == b"\x30" and _SIGNED_DATA_OID in head


def _output_for(note: Path, style: str, output: Path | None) -> Path:
    target = output or (signed_pdf_path(note) if style == "pades" else signature_path(note))
    wanted = ".pdf" if style == "pades" else SIGNATURE_SUFFIX
    if target.suffix.lower() != wanted:
        raise OutputError(
            str(target),
            None,
            Msg("sign.error.output_suffix", {"suffix": wanted}),
            Msg("sign.error.output_suffix_fix", {"suffix": wanted}),
        )
    return target


def sign_note(
    note: Path,
    credentials: Credentials,
    *,
    output: Path | None = None,
    force: bool = False,
    inputs: tuple[Path, ...] = (),
) -> SignedNote:
    """Sign the note (or follow-up report) ``note`` and write the signature (atomically).

    ``output`` replaces the default name (:mod:`ecodigital.signature.files`); it is never the
    note nor one of ``inputs`` (the key and certificate files), and, even with ``force``, an
    existing file is replaced only when it is a signature already.
    """
    from ecodigital.fileio import check_output, read_input_bytes, write_atomic
    from ecodigital.report.payload import sidecar_path
    from ecodigital.review.readers import read_report_payload

    kind, _payload = read_report_payload(note)  # a note (or a report), read like any other
    style = signature_style(kind)
    target = _output_for(note, style, output)
    covers: tuple[Path, ...] = (note, sidecar_path(note)) if style == "manifest" else (note,)
    check_output(target, force, (*covers, *inputs))
    content = read_input_bytes(note, "file")
    if target.exists() and not _is_previous_signature(target, style, content):
        raise OutputError(
            str(target), None, Msg("sign.error.not_signature"), Msg("sign.error.not_signature_fix")
        )
    if style == "pades":
        signed = _pades(content, credentials)
    elif style == "manifest":
        sidecar = read_input_bytes(covers[1], "file")
        signed = _cms(markdown_manifest(content, sidecar), credentials, detached=False)
    else:
        signed = _cms(content, credentials, detached=True)
    write_atomic(target, signed)
    certificate = credentials.certificate
    subject = certificate.subject.rfc4514_string()
    return SignedNote(target, style, covers, subject, certificate.not_valid_after_utc)


def signed_lines(signed: SignedNote, lang: str) -> list[str]:
    """What ``ecodigital sign`` says after the path it wrote."""
    from ecodigital.i18n import text
    from ecodigital.i18n.format import format_date

    files = ", ".join(path.name for path in signed.covers)
    lines = [
        text(
            "sign.done",
            lang,
            subject=signed.subject[:200],
            until=format_date(signed.not_after.date(), lang),
        ),
        text(f"sign.covers.{signed.style}", lang, files=files, n=len(MANIFEST_ROLES)),
    ]
    return lines
