"""The applicant's signature: ``ecodigital sign`` writes it, ``ecodigital verify`` checks it.

Real cryptography throughout: a throwaway authority and the applicant's certificate are
made here with ``cryptography``, notes are signed by the command (PAdES in a PDF, CMS beside
the others), and the signatures are checked by pyHanko. Nothing is mocked; the only module
hidden is pyHanko itself, in a child process, to see the message of a missing extra.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

from ecodigital.cli import cli
from ecodigital.errors import InputError
from ecodigital.i18n import Count
from ecodigital.i18n.numbers import format_count
from ecodigital.review.readers import ReadLimits, read_note_payload
from ecodigital.review.signature import (
    MAX_SIGNATURE_BYTES,
    certificate_time,
    check_signature,
    signature_lines,
)
from ecodigital.signature.files import signature_path

from .conftest import copy_into

NOW = dt.datetime.now(dt.UTC)
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


# --------------------------------------------------------------------------- a throwaway PKI


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Commune de Mouthe"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=not sign_certificates,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _certificate(subject: str, key, issuer: tuple | None, *, ca: bool, serial: int,
                 start: dt.datetime, end: dt.datetime) -> x509.Certificate:  # fmt: skip
    issuer_name, issuer_key = (issuer[0].subject, issuer[1]) if issuer else (_name(subject), key)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=ca), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass
class Pki:
    folder: Path
    ca: Path  # the authority the instructor trusts (PEM)
    key: Path  # the applicant's key (PEM, not encrypted)
    cert: Path  # the applicant's certificate followed by the authority's (PEM)
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate
    other_key: Path  # a key certified by an authority nobody trusts
    other_cert: Path
    expired_key: ec.EllipticCurvePrivateKey  # certified from 2020 to 2021 by the authority
    expired: x509.Certificate


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _key_pem(key) -> bytes:  # type: ignore[no-untyped-def]
    return key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    year = dt.timedelta(days=365)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("AC de test", ca_key, None, ca=True, serial=1, start=NOW - year, end=NOW + 5 * year)  # fmt: skip
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _certificate("Marie Porteur", leaf_key, (ca, ca_key), ca=False, serial=0x1A2B3,
                        start=NOW - dt.timedelta(days=1), end=NOW + year)  # fmt: skip
    other_ca_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _certificate("AC inconnue", other_ca_key, None, ca=True, serial=7, start=NOW - year, end=NOW + year)  # fmt: skip
    other_key = ec.generate_private_key(ec.SECP256R1())
    other = _certificate("Paul Inconnu", other_key, (other_ca, other_ca_key), ca=False, serial=8,
                         start=NOW - year, end=NOW + year)  # fmt: skip
    expired_key = ec.generate_private_key(ec.SECP256R1())
    expired = _certificate("Marie Porteur", expired_key, (ca, ca_key), ca=False, serial=9,
                           start=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                           end=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))  # fmt: skip
    return Pki(
        folder=folder,
        ca=_write(folder / "ac.pem", ca.public_bytes(PEM)),
        key=_write(folder / "cle.pem", _key_pem(leaf_key)),
        cert=_write(folder / "certificat.pem", leaf.public_bytes(PEM) + ca.public_bytes(PEM)),
        leaf=leaf,
        leaf_key=leaf_key,
        ca_cert=ca,
        other_key=_write(folder / "autre-cle.pem", _key_pem(other_key)),
        other_cert=_write(
            folder / "autre.pem", other.public_bytes(PEM) + other_ca.public_bytes(PEM)
        ),
        expired_key=expired_key,
        expired=expired,
    )


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def sign(note: Path, pki: Pki, *extra: str) -> Result:
    return invoke("sign", str(note), "--key", str(pki.key), "--cert", str(pki.cert), *extra)


def check(note: Path, **options) -> object:  # type: ignore[no-untyped-def]
    kind, _payload = read_note_payload(note)
    return check_signature(note, kind, **options)


@pytest.fixture
def signed_html(tmp_path: Path, notes: dict[str, Path], pki: Pki) -> Path:
    (note,) = copy_into(tmp_path, notes["plain"])
    assert sign(note, pki).exit_code == 0
    return note


# --------------------------------------------------------------------------- every format


@pytest.mark.slow
@pytest.mark.parametrize(
    ("which", "written", "covers"),
    [
        ("plain", "plain.html.p7s", "file"),
        ("users", "users.md.p7s", "files"),
        ("bent", "bent.odt.p7s", "file"),
        ("pdf", "note.signed.pdf", "file"),
    ],
)
def test_a_note_signed_in_each_format_holds_and_says_who_signed(
    which: str, written: str, covers: str, tmp_path: Path, notes: dict[str, Path],
    pdf_note: Path, pki: Pki,
) -> None:  # fmt: skip
    (note,) = copy_into(tmp_path, pdf_note if which == "pdf" else notes[which])
    before = note.read_bytes()
    result = sign(note, pki)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / written)
    assert "Signée par CN=Marie Porteur,O=Commune de Mouthe,C=FR" in result.stderr
    assert note.read_bytes() == before  # the note itself is never changed
    target = tmp_path / written
    checked = target if which == "pdf" else note
    report = invoke("verify", str(checked), "--trust", str(pki.ca), "--format", "json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["verdict"] in ("holds", "holds_own_factors")  # bent: the applicant's factors
    signature = data["signature"]
    assert signature["status"] == "valid"
    assert signature["style"] == {"pdf": "pades", "users": "manifest"}.get(which, "detached")
    (signer,) = signature["signers"]
    assert signer["subject"] == "CN=Marie Porteur,O=Commune de Mouthe,C=FR"
    assert signer["issuer"] == "CN=AC de test,O=Commune de Mouthe,C=FR"
    assert signer["serial"] == "01:A2:B3"  # 0x1A2B3, in byte pairs
    assert signer["not_after"] == pki.leaf.not_valid_after_utc.isoformat()
    assert signer["intact"] and signer["valid"] and signer["coverage"] == covers
    assert signer["certificate_time"] == "valid"
    assert signer["trust"] == "trusted"
    assert signer["trust_anchor"] == "CN=AC de test,O=Commune de Mouthe,C=FR"
    signed_at = dt.datetime.fromisoformat(signer["signing_time"])
    assert abs(signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    if which == "pdf":
        # the byte range covers the whole file except the signature value (a hex string)
        start, first, second, last = signer["byte_range"]
        size = target.stat().st_size
        assert start == 0 and second + last == size
        hole = target.read_bytes()[first:second]
        assert hole.startswith(b"<") and hole.endswith(b">")


@pytest.mark.slow
def test_the_text_report_says_valid_and_not_checked_with_an_authority(signed_html: Path) -> None:
    result = invoke("verify", str(signed_html))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Signature"))
    assert lines[start:-1] == [
        "Signature : valide, certificat non vérifié auprès d'une autorité — signée par "
        "CN=Marie Porteur,O=Commune de Mouthe,C=FR.",
        lines[start + 1],  # the certificate: its dates change with the day of the run
        lines[start + 2],
        "  La signature couvre le fichier plain.html tel qu'il est.",
        "  Le certificat était valable à cette date.",
        "  Aucune liste d'autorités donnée : --trust AUTORITES.pem vérifie la chaîne du "
        "certificat (hors ligne, sans contrôle de révocation).",
    ]
    assert lines[start + 1].startswith(
        "  Certificat émis par CN=AC de test,O=Commune de Mouthe,C=FR, numéro de série 01:A2:B3,"
    )
    assert lines[start + 2].startswith("  Signée le ")
    assert lines[-1].endswith("plain.html : la note tient.")
    english = invoke("verify", str(signed_html), "--lang", "en")
    assert (
        "Signature: valid, certificate not checked with an authority — signed by" in english.stdout
    )


def test_an_unsigned_note_is_neutral(notes: dict[str, Path]) -> None:
    result = check(notes["plain"])
    assert result.status == "unsigned" and result.ok
    assert signature_lines(result, "fr") == ["Signature : aucune (la note n'est pas signée)."]


def test_require_signature_fails_an_unsigned_note(notes: dict[str, Path]) -> None:
    result = invoke("verify", str(notes["plain"]), "--require-signature")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert "Signature : AUCUNE, alors que --require-signature en exige une." in lines
    assert lines[-1].endswith("plain.html : la note NE tient PAS.")
    # the figures themselves hold: only the missing signature fails the note
    assert any(line.startswith("Texte visible : les ") for line in lines)
    english = invoke("verify", str(notes["plain"]), "--require-signature", "--lang", "en")
    assert "Signature: NONE, though --require-signature asks for one." in english.stdout
    data = json.loads(
        invoke("verify", str(notes["plain"]), "--require-signature", "--format", "json").stdout
    )
    assert data["verdict"] == "fails" and data["signature"]["status"] == "missing"


def test_require_signature_lets_a_valid_signature_hold(signed_html: Path, pki: Pki) -> None:
    result = invoke("verify", str(signed_html), "--require-signature", "--trust", str(pki.ca))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith("plain.html : la note tient.")


# --------------------------------------------------------------------------- what breaks it


@pytest.mark.slow
def test_a_byte_changed_after_signing_breaks_the_signature(signed_html: Path) -> None:
    with signed_html.open("ab") as handle:
        handle.write(b" ")  # one space at the end: no figure a reader sees has changed
    result = invoke("verify", str(signed_html))
    assert result.exit_code == 1, result.output
    assert (
        "Signature : NE TIENT PAS — signée par CN=Marie Porteur,O=Commune de Mouthe,C=FR."
        in result.stdout
    )
    assert (
        "  plain.html a été MODIFIÉ après la signature : ce n'est plus le fichier signé."
        in result.stdout
    )
    assert "Texte visible : les" in result.stdout  # the figures themselves still hold
    assert result.stdout.splitlines()[-1].endswith("plain.html : la note NE tient PAS.")


def test_a_markdown_note_signs_its_text_and_its_data(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["users"])
    assert sign(note, pki).exit_code == 0
    assert check(note).ok
    sidecar = note.with_suffix(".json")
    sidecar.write_bytes(sidecar.read_bytes() + b"\n")  # the data changed, not the text
    result = check(note)
    (signer,) = result.signers
    assert not result.ok and signer.coverage == "modified" and signer.modified == ("sidecar",)
    assert "  users.json a été MODIFIÉ après la signature : ce n'est plus le fichier signé." in (
        signature_lines(result, "fr")
    )


@pytest.mark.slow
def test_a_pdf_changed_after_signing_fails(tmp_path: Path, pdf_note: Path, pki: Pki) -> None:
    (note,) = copy_into(tmp_path, pdf_note)
    assert sign(note, pki).exit_code == 0
    signed = tmp_path / "note.signed.pdf"
    data = bytearray(signed.read_bytes())
    at = data.index(b"/Producer")  # a byte of the document information, inside the byte range
    data[at + 12] ^= 0x01
    bent = _write(tmp_path / "bent.pdf", bytes(data))
    (signer,) = check(bent).signers
    assert not signer.intact and not signer.ok
    assert (
        "  Le contenu signé a été MODIFIÉ après la signature : son empreinte n'est plus celle que la signature porte."
        in signature_lines(check(bent), "fr")
    )
    # an incremental update appended after the signature: the byte range no longer ends the file
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    appended = tmp_path / "appended.pdf"
    shutil.copy(signed, appended)
    with appended.open("r+b") as handle:
        writer = IncrementalPdfFileWriter(handle, strict=False)
        writer.root["/Lang"] = generic.pdf_string("en")  # a change no signature allows
        writer.update_root()
        writer.write_in_place()
    result = check(appended)
    (signer,) = result.signers
    assert signer.intact and signer.valid  # the signed revision is intact...
    assert signer.coverage == "modified" and not result.ok  # ...but it is not the file
    added = appended.stat().st_size - signed.stat().st_size
    assert signer.appended == added
    shown = format_count(Count(added), "fr")
    assert (
        f"  Le PDF a été MODIFIÉ après la signature : {shown} octets ajoutés ensuite ne sont couverts par aucune signature qui tienne."
        in signature_lines(result, "fr")
    )


@pytest.mark.slow
def test_a_second_signature_of_a_pdf_keeps_the_first_one(
    tmp_path: Path, pdf_note: Path, pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, pdf_note)
    assert sign(note, pki).exit_code == 0
    once = tmp_path / "note.signed.pdf"
    other = invoke("sign", str(once), "--key", str(pki.other_key), "--cert", str(pki.other_cert))
    assert other.exit_code == 0, other.output
    result = check(tmp_path / "note.signed.signed.pdf")
    first, second = result.signers
    assert first.coverage == "revision" and first.appended > 0
    assert second.coverage == "file"
    assert result.ok
    assert result.signers[1].subject.startswith("CN=Paul Inconnu")


def test_a_certificate_not_from_the_trusted_authority_fails_with_trust(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["plain"])
    result = invoke("sign", str(note), "--key", str(pki.other_key), "--cert", str(pki.other_cert))
    assert result.exit_code == 0, result.output
    assert check(note).ok  # without --trust nothing says whose authority it is
    checked = check(note, trust=pki.ca)
    (signer,) = checked.signers
    assert signer.intact and signer.valid
    assert signer.trust == "untrusted" and signer.trust_problem == "NO_CERTIFICATE_CHAIN_FOUND"
    assert not checked.ok
    assert (
        "  Chaîne du certificat NON VÉRIFIÉE avec ac.pem : aucune chaîne ne mène à une autorité de ce fichier."
        in signature_lines(checked, "fr")
    )


def test_a_certificate_expired_when_it_signed_fails(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["plain"])
    # `ecodigital sign` refuses an expired certificate: the signature is made directly
    signed = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(note.read_bytes())
        .add_signer(pki.expired, pki.expired_key, hashes.SHA256())
        .sign(DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    signature_path(note).write_bytes(signed)
    result = check(note)
    (signer,) = result.signers
    assert signer.intact and signer.valid
    assert signer.certificate_time == "expired" and signer.expired_now
    assert not result.ok
    assert (
        "  Le certificat n'était PLUS valable à cette date : il a expiré le 1er janvier 2021."
        in signature_lines(result, "fr")
    )
    refused = invoke("sign", str(note), "--key", str(_write(tmp_path / "k.pem", _key_pem(pki.expired_key))),
                     "--cert", str(_write(tmp_path / "c.pem", pki.expired.public_bytes(PEM))), "-o", str(tmp_path / "x.p7s"))  # fmt: skip
    assert refused.exit_code == 2
    assert "le certificat a expiré le 2021-01-01" in refused.stderr
    assert not (tmp_path / "x.p7s").exists()


def test_certificate_time_at_the_signing_time() -> None:
    day = lambda d: dt.datetime(2026, 3, d, tzinfo=dt.UTC)  # noqa: E731
    start, end, now = day(10), day(20), day(25)
    assert certificate_time(day(15), start, end, now) == "valid"
    assert certificate_time(day(9), start, end, now) == "not_yet_valid"
    assert certificate_time(day(21), start, end, now) == "expired"
    # a certificate valid then and expired now: the signature was made while it was valid
    assert certificate_time(day(20), start, end, now) == "valid"
    # later than now by more than an hour: the signer's clock lies
    assert certificate_time(now + dt.timedelta(hours=2), start, day(30), now) == "future"
    assert certificate_time(now + dt.timedelta(minutes=30), start, day(30), now) == "valid"
    assert certificate_time(None, start, end, day(15)) == "undeclared"
    assert certificate_time(None, start, end, now) == "expired"


# --------------------------------------------------------------------------- hostile signatures


@pytest.mark.slow
def test_a_garbage_signature_file_fails_with_a_clear_line(signed_html: Path) -> None:
    signature_path(signed_html).write_bytes(b"\x30\x82\x01\x00" + os.urandom(300))
    result = invoke("verify", str(signed_html), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "fails"
    assert data["signature"]["status"] == "fails" and data["signature"]["problem"] == "not_cms"
    text = invoke("verify", str(signed_html))
    assert text.exit_code == 1
    (line,) = [line for line in text.stdout.splitlines() if line.startswith("Signature")]
    assert line.startswith(
        f"Signature : ILLISIBLE ({signature_path(signed_html)}) — ce n'est pas une signature CMS lisible ("
    )


def test_hostile_signature_files_are_refused_unread(signed_html: Path) -> None:
    beside = signature_path(signed_html)
    beside.unlink()
    os.mkfifo(beside)  # a FIFO would block a reader forever
    fifo = check(signed_html)
    assert fifo.status == "unreadable" and not fifo.ok
    assert signature_lines(fifo, "fr") == [
        f"Signature : ILLISIBLE ({beside}) — le fichier de signature ne peut pas être lu "
        "(n'est pas un fichier ordinaire (un tube, un périphérique ou un dossier ne sont pas lus))."
    ]
    beside.unlink()
    beside.write_bytes(b"\x30" * (MAX_SIGNATURE_BYTES + 1))
    large = check(signed_html)
    assert large.status == "unreadable" and large.problem is not None
    beside.write_bytes(b"-----BEGIN PKCS7-----\nnot base64 at all!\n-----END PKCS7-----\n")
    assert check(signed_html).status == "unreadable"
    beside.write_bytes(b"")
    assert check(signed_html).status == "unreadable"


def test_a_signature_value_changed_does_not_match_its_certificate(
    signed_html: Path, pki: Pki
) -> None:
    beside = signature_path(signed_html)
    der = bytearray(beside.read_bytes())
    der[-1] ^= 0x01  # the last byte of the DER is the last byte of the RSA signature value
    beside.write_bytes(bytes(der))
    result = check(signed_html, trust=pki.ca)
    (signer,) = result.signers
    assert signer.intact and not signer.valid and not result.ok
    lines = signature_lines(result, "fr")
    assert "  La signature NE CORRESPOND PAS à la clé du certificat qu'elle présente." in lines
    assert lines[-1] == (
        "  Chaîne du certificat non vérifiée avec ac.pem : la signature ne correspond pas à son "
        "certificat."
    )


def test_a_signature_given_elsewhere_is_read_there(signed_html: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "remise" / "signature.p7s"
    elsewhere.parent.mkdir()
    signature_path(signed_html).rename(elsewhere)
    assert check(signed_html).status == "unsigned"
    assert check(signed_html, signature=elsewhere).ok
    with pytest.raises(InputError, match="the signature file given does not exist"):
        check(signed_html, signature=tmp_path / "absente.p7s")


def test_checking_a_signature_has_the_readers_time_budget(signed_html: Path) -> None:
    # a budget of a microsecond runs out at once, wherever the check is (a real alarm)
    kind, _payload = read_note_payload(signed_html)
    tight = ReadLimits(max_pdf_seconds=1e-6)
    result = check_signature(signed_html, kind, limits=tight)
    assert result.status == "unreadable" and not result.ok
    assert result.problem is not None and result.problem.key.endswith(".slow")
    assert check_signature(signed_html, kind).ok  # the alarm is off again


def test_a_pem_signature_is_read_as_its_der(signed_html: Path) -> None:
    beside = signature_path(signed_html)
    der = beside.read_bytes()
    import base64

    body = base64.encodebytes(der)
    beside.write_bytes(b"-----BEGIN PKCS7-----\n" + body + b"-----END PKCS7-----\n")
    assert check(signed_html).ok


def test_a_signature_of_another_file_does_not_hold(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    first, second = copy_into(tmp_path, notes["plain"], notes["nonetwork"])
    assert sign(first, pki).exit_code == 0
    shutil.copy(signature_path(first), signature_path(second))
    (signer,) = check(second).signers
    assert signer.valid and not signer.intact and signer.coverage == "modified"


@contextmanager
def _no_network() -> Iterator[list[str]]:
    events: list[str] = []

    def hook(event: str, args: tuple) -> None:  # type: ignore[type-arg]
        if not watching:
            return
        if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
            events.append(f"{event} {args[1]!r}")
        elif event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                       "socket.sendto", "urllib.Request"):  # fmt: skip
            events.append(event)

    watching = True
    sys.addaudithook(hook)  # cannot be removed: it records only while `watching`
    try:
        yield events
    finally:
        watching = False


def test_checking_opens_no_network_socket(signed_html: Path, pki: Pki) -> None:
    # the certificates name no URL here, but the validation context is built to fetch nothing;
    # asyncio's own socket pair (AF_UNIX) is no network
    with _no_network() as events:
        assert check(signed_html, trust=pki.ca).ok
        assert check(signed_html).ok
    assert events == []


# --------------------------------------------------------------------------- sign's own rules


def test_a_pkcs12_file_with_its_passphrase_from_the_environment(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["bent"])
    bundle = pkcs12.serialize_key_and_certificates(
        b"porteur", pki.leaf_key, pki.leaf, [pki.ca_cert],
        serialization.BestAvailableEncryption(b"mot de passe"),
    )  # fmt: skip
    p12 = _write(tmp_path / "porteur.p12", bundle)
    asked = invoke("sign", str(note), "--pkcs12", str(p12))  # no terminal: nothing can ask
    assert asked.exit_code == 2
    assert "ECODIGITAL_SIGN_PASSPHRASE" in asked.stderr and "Traceback" not in asked.output
    wrong = invoke(
        "sign", str(note), "--pkcs12", str(p12), env={"ECODIGITAL_SIGN_PASSPHRASE": "non"}
    )
    assert wrong.exit_code == 2 and "ne déchiffre pas" in wrong.stderr
    good = invoke("sign", str(note), "--pkcs12", str(p12),
                  env={"ECODIGITAL_SIGN_PASSPHRASE": "mot de passe"})  # fmt: skip
    assert good.exit_code == 0, good.output
    assert check(note, trust=pki.ca).ok


def test_an_encrypted_pem_key_takes_its_passphrase_from_the_environment(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["plain"])
    encrypted = pki.leaf_key.private_bytes(
        PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret")
    )
    key = _write(tmp_path / "cle-chiffree.pem", encrypted)
    refused = invoke("sign", str(note), "--key", str(key), "--cert", str(pki.cert))
    assert refused.exit_code == 2
    assert "la clé est chiffrée et aucune phrase de passe n'a été donnée" in refused.stderr
    env = {"ECODIGITAL_SIGN_PASSPHRASE": "secret"}
    done = invoke("sign", str(note), "--key", str(key), "--cert", str(pki.cert), env=env)
    assert done.exit_code == 0, done.output


@pytest.mark.slow
def test_the_passphrase_is_asked_on_a_terminal_without_echo(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    pexpect = pytest.importorskip("pexpect")
    (note,) = copy_into(tmp_path, notes["plain"])
    encrypted = pki.leaf_key.private_bytes(
        PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"secret")
    )
    key = _write(tmp_path / "cle-chiffree.pem", encrypted)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECODIGITAL_")}
    child = pexpect.spawn(
        sys.executable, ["-m", "ecodigital", "sign", str(note), "--key", str(key), "--cert", str(pki.cert)],
        env=env, encoding="utf-8", timeout=60, cwd=str(Path(__file__).resolve().parents[2]),
    )  # fmt: skip
    child.expect_exact(f"Phrase de passe de {key}: ")
    child.sendline("secret")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "secret" not in (child.before or "")  # never echoed
    assert check(note).ok


def test_sign_never_replaces_a_file_of_the_user(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["plain"])
    beside = signature_path(note)
    beside.write_text("mes notes personnelles\n", encoding="utf-8")
    exists = sign(note, pki)
    assert exists.exit_code == 2 and "existe déjà" in exists.stderr
    forced = sign(note, pki, "--force")
    assert forced.exit_code == 2
    assert (
        "n'est pas une signature de cette note : il n'est pas remplacé, même avec --force"
        in forced.stderr
    )
    assert beside.read_text(encoding="utf-8") == "mes notes personnelles\n"
    beside.unlink()
    (tmp_path / "ailleurs").mkdir()
    (other,) = copy_into(tmp_path / "ailleurs", notes["nonetwork"])
    assert sign(other, pki, "-o", str(beside)).exit_code == 0  # a signature of another note
    assert not check(note).ok
    assert sign(note, pki, "--force").exit_code == 0  # a signature replaces a signature
    assert check(note).ok
    onto_note = sign(note, pki, "-o", str(note), "--force")
    assert onto_note.exit_code == 2 and ".p7s" in onto_note.stderr
    # a certificate file named like a signature is an input of the command: never replaced
    chain = _write(tmp_path / "chaine.p7s", pki.cert.read_bytes())
    args = ("sign", str(note), "--key", str(pki.key), "--cert", str(chain), "-o", str(chain))
    onto_input = invoke(*args, "--force")
    assert onto_input.exit_code == 2 and "chaine.p7s" in onto_input.stderr
    assert chain.read_bytes() == pki.cert.read_bytes()


@pytest.mark.slow
def test_a_signed_pdf_replaces_only_a_signed_copy_of_the_same_note(
    tmp_path: Path, pdf_note: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, pdf_note)
    other = tmp_path / "autre.pdf"
    other.write_bytes(b"%PDF-1.7\n% un autre document du porteur\n")
    refused = sign(note, pki, "-o", str(other), "--force")
    assert refused.exit_code == 2 and "n'est pas une signature de cette note" in refused.stderr
    assert other.read_bytes().startswith(b"%PDF-1.7\n% un autre")
    assert sign(note, pki).exit_code == 0
    assert sign(note, pki, "--force").exit_code == 0  # the previous signed copy, replaced
    assert check(tmp_path / "note.signed.pdf").ok


def test_a_key_and_a_certificate_that_do_not_match_are_refused(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    (note,) = copy_into(tmp_path, notes["plain"])
    result = invoke("sign", str(note), "--key", str(pki.other_key), "--cert", str(pki.cert))
    assert result.exit_code == 2
    assert (
        f"{pki.cert}: aucun certificat de ce fichier ne correspond à la clé {pki.other_key}"
        in result.stderr
    )
    both = invoke("sign", str(note), "--key", str(pki.key), "--pkcs12", str(pki.key))
    assert both.exit_code == 2 and "--pkcs12 ne se combine pas" in both.stderr
    none = invoke("sign", str(note))
    assert none.exit_code == 2 and "il manque la clé de signature" in none.stderr
    assert not signature_path(note).exists()


def test_a_dossier_is_not_signed(tmp_path: Path, pki: Pki) -> None:
    dossier = _write(tmp_path / "dossier.yaml", b"format: ecodigital/1\n")
    result = sign(dossier, pki)
    assert result.exit_code == 2 and "est un dossier, pas une note" in result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_checks_the_detached_signature_and_prints_the_manifest(
    tmp_path: Path, notes: dict[str, Path], pki: Pki
) -> None:
    html, markdown = copy_into(tmp_path, notes["plain"], notes["users"])
    assert sign(html, pki).exit_code == 0 and sign(markdown, pki).exit_code == 0
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature_path(html)),
         "-content", str(html), "-CAfile", str(pki.ca), "-purpose", "any", "-out", os.devnull],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    printed = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(signature_path(markdown)),
         "-CAfile", str(pki.ca), "-purpose", "any"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    import hashlib

    digest = hashlib.sha256(markdown.read_bytes()).hexdigest()
    data = hashlib.sha256(markdown.with_suffix(".json").read_bytes()).hexdigest()
    assert printed.stdout.decode() == (
        f"ecodigital-signed-files/1\nmarkdown sha256:{digest}\nsidecar sha256:{data}\n"
    )


# --------------------------------------------------------------------------- the optional extra


_WITHOUT_PYHANKO = (
    "import sys\n"
    "for name in ('pyhanko', 'pyhanko.sign', 'pyhanko.sign.validation', 'asn1crypto'):\n"
    "    sys.modules[name] = None  # imported, they raise ImportError\n"
    "from ecodigital.cli import main\n"
    "sys.argv = ['ecodigital', *sys.argv[1:]]\n"
    "main()\n"
)


def test_without_pyhanko_a_signed_note_names_the_install_command(
    signed_html: Path, notes: dict[str, Path]
) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PYHANKO, "verify", str(signed_html)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert run.returncode == 4, run.stderr
    assert run.stderr.strip() == (
        "Erreur : cette note est signée ; vérifier sa signature demande pyHanko, qui n'est pas "
        "installé : pip install 'ecodigital[signature]'"
    )


def test_help_and_an_unsigned_note_load_no_signature_library(notes: dict[str, Path]) -> None:
    code = (
        "import sys\n"
        "import ecodigital.cli\n"
        "from ecodigital.review.readers import read_note_payload\n"
        "from ecodigital.review.signature import check_signature\n"
        f"path = {str(notes['plain'])!r}\n"
        "kind, _ = read_note_payload(path)\n"
        "assert check_signature(path, kind).status == 'unsigned'\n"
        "print(','.join(m for m in ('pyhanko', 'asn1crypto', 'aiohttp', 'cryptography') if m in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert run.stdout.strip() == ""
