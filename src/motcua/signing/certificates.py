"""Where the signing certificates live (kho chứng thư số) and the development CA.

A signing directory (``settings.MOTCUA_SIGNING_DIR``) holds, as PEM files::

    ca.pem                      trusted root(s) for verification (one or more certificates)
    units/<unit code>.pem|.key  the unit's seal (con dấu số của cơ quan, organisation certificate)
    people/<username>.pem|.key  a leader's personal certificate (chứng thư số cá nhân)

The subject of every certificate names the unit it belongs to by its code in the
``organizationalUnitName`` attribute, so a verifier can tell a signature "not of the unit".
``make_development_ca`` writes such a directory for the demo and the tests; nothing in it is
ever committed (``var/`` is ignored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class KeyPair:
    key_file: Path
    cert_file: Path

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_file.read_bytes())


class CertificateStore:
    """The certificates of one signing directory."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    @property
    def ca_file(self) -> Path:
        return self.root / "ca.pem"

    def trust_roots(self) -> list[bytes]:
        """The PEM text of each trusted root certificate (empty when there is none)."""
        if not self.ca_file.exists():
            return []
        return split_pem(self.ca_file.read_bytes())

    def _pair(self, folder: str, name: str) -> KeyPair | None:
        safe = name.replace("/", "_").replace("\\", "_")
        pair = KeyPair(self.root / folder / f"{safe}.key", self.root / folder / f"{safe}.pem")
        return pair if pair.key_file.exists() and pair.cert_file.exists() else None

    def unit_seal(self, unit_code: str) -> KeyPair | None:
        return self._pair("units", unit_code)

    def personal(self, username: str) -> KeyPair | None:
        return self._pair("people", username)


def split_pem(data: bytes) -> list[bytes]:
    marker = b"-----END CERTIFICATE-----"
    parts = [p.strip() + b"\n" + marker + b"\n" for p in data.split(marker) if p.strip()]
    return parts


def unit_code_of(cert: x509.Certificate) -> str:
    """The unit code a Motcua certificate carries (``OU``), or ``""``."""
    attrs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    return str(attrs[0].value) if attrs else ""


def _name(common_name: str, organisation: str = "", unit_code: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit_code:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_code))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _key() -> ec.EllipticCurvePrivateKey:
    # ECDSA P-256: a key is made in a millisecond (the demo makes one per leader and unit);
    # Vietnamese CAs issue RSA too, which the signer and the verifier read the same way.
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key: PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@dataclass
class DevelopmentCA:
    """A certificate authority for the demo and the tests (never for production)."""

    key: PrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, name: str = "Motcua Development CA", *,
               not_before: dt.datetime | None = None, years: int = 10) -> DevelopmentCA:
        key = _key()
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        subject = _name(name, "Motcua (phát triển)")
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key=key, cert=cert)

    @classmethod
    def load(cls, root: Path) -> DevelopmentCA | None:
        key_file, cert_file = root / "ca" / "ca.key", root / "ca.pem"
        if not (key_file.exists() and cert_file.exists()):
            return None
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey))
        cert = x509.load_pem_x509_certificate(split_pem(cert_file.read_bytes())[0])
        return cls(key=key, cert=cert)

    def save(self, root: Path) -> None:
        _write_key(root / "ca" / "ca.key", self.key)
        _write_cert(root / "ca.pem", self.cert)

    def issue(self, common_name: str, *, organisation: str, unit_code: str,
              not_before: dt.datetime | None = None,
              not_after: dt.datetime | None = None) -> tuple[PrivateKey, x509.Certificate]:
        key = _key()
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        end = not_after or start + dt.timedelta(days=365 * 3)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation, unit_code))
            .issuer_name(self.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return key, cert

    def issue_to(self, root: Path, folder: str, name: str, common_name: str, *,
                 organisation: str, unit_code: str, **validity) -> KeyPair:
        key, cert = self.issue(common_name, organisation=organisation, unit_code=unit_code,
                               **validity)
        pair = KeyPair(root / folder / f"{name}.key", root / folder / f"{name}.pem")
        _write_key(pair.key_file, key)
        _write_cert(pair.cert_file, cert)
        return pair


def ensure_development_ca(root: Path) -> DevelopmentCA:
    """The CA of ``root``, created on first use."""
    ca = DevelopmentCA.load(root)
    if ca is None:
        ca = DevelopmentCA.create()
        ca.save(root)
    return ca
