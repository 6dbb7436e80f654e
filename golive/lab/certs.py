"""Lab server certificates that strict validators accept.

Not trustme.issue_cert: trustme marks the subjectAltName critical while the subject is not empty, which
RFC 5280 forbids and strict validators (cryptography's, used by sslyze) reject. These leaves look like a
public CA's: CN plus a non-critical SAN, server-auth EKU, one year of validity unless asked otherwise.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def issue(names: tuple[str, ...], not_before: dt.datetime, not_after: dt.datetime, issuer_cert, issuer_key):
    """A server certificate for ``names``; self-signed when issuer_cert is None."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "golive lab"),
                         x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    sans: list[x509.GeneralName] = []
    for name in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            sans.append(x509.DNSName(name))
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.SubjectAlternativeName(sans), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False)
    return builder.sign(issuer_key if issuer_key is not None else key, hashes.SHA256()), key


def root_without_key_usage(common_name: str, days: int = 3650):
    """A private root CA as ``openssl req -x509`` makes it with Debian's openssl.cnf (section v3_ca):
    basicConstraints critical CA:TRUE, subject and authority key identifiers, and no keyUsage extension.

    OpenSSL, curl and browsers accept it as a trust anchor; strict validators (Python's cryptography, under
    sslyze 6) reject it with "invalid extension: 2.5.29.15". TLS-ONLY must trust it and note the difference.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "golive lab private CA"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def write_pair(pair, cert_file: Path, key_file: Path) -> tuple[Path, Path]:
    cert, key = pair
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    return cert_file, key_file


def from_ca(ca_cert_pem: bytes, ca_key_pem: bytes, names: tuple[str, ...], cert_file: Path,
            key_file: Path) -> tuple[Path, Path]:
    """A one-year leaf for ``names`` signed by the lab CA, written as PEM files."""
    now = dt.datetime.now(dt.UTC)
    issuer_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    issuer_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    return write_pair(issue(names, now - dt.timedelta(hours=1), now + dt.timedelta(days=365), issuer_cert,
                            issuer_key), cert_file, key_file)
