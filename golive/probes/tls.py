"""TLS-ONLY probe: one handshake per protocol version per endpoint, and the certificate it presented.

A protocol verdict needs one handshake per version, not a cipher-suite enumeration (which is what makes
testssl.sh, sslscan and sslyze's cipher-suite commands slow). Each handshake offers exactly one version
and every cipher suite the client library knows (security level 0), so a refusal is the server's, not
a cipher mismatch. The clients are the ones sslyze itself uses (nassl): its modern OpenSSL for TLS 1.0
to 1.3, its legacy OpenSSL for SSL 2.0 and 3.0 (the system OpenSSL 3 can no longer speak them).

The certificate chain comes from the first accepted handshake (no extra connection). Trust is decided
the way OpenSSL, curl and browsers decide it: that handshake verifies the chain with OpenSSL against the
profile's trust store (``trust.ca_bundle``, the one trust setting of every probe), and the hostname is matched
by RFC 6125. sslyze's strict analysis (CertificateDeploymentAnalyzer, Python's ``cryptography`` verifier) runs
too; what it rejects beyond OpenSSL (a root without keyUsage) becomes a note for a person, not a verdict.

Layers, as in sslyze's plugins: ``observe``/``observe_many`` return frozen observations, ``problems``
compares one with the profile section (pure, no network), the check presents them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from golive.verdict import CouldNotObserve, Fact

#: every version golive asks for, newest first (the order the handshakes are made in)
PROTOCOLS: tuple[str, ...] = ("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3", "SSLv2")
ALLOWED: frozenset[str] = frozenset({"TLSv1.3"})
RUNBOOKS_TLS = "runbooks 000 (line 533), 002 (line 252) and 003 (line 228) allow TLS 1.3 only"
RUNBOOK_EXPIRY = "runbook 001 (line 47) requires more than {days} days"

Outcome = Literal["accepted", "refused", "inconclusive"]


@dataclass(frozen=True)
class Handshake:
    """One handshake offering exactly one protocol version.

    outcome: accepted (handshake completed), refused (the server answered with an alert, a lower version,
    or closed the connection), inconclusive (no answer in time, or the client could not offer it).
    detail: the negotiated cipher suite when accepted, else the error the handshake ended with.
    method: how it was tested (client library and what it offered).
    """

    protocol: str
    outcome: Outcome
    detail: str
    method: str
    elapsed_ms: float


@dataclass(frozen=True)
class Received:
    """The chain an accepted handshake received, and OpenSSL's verification of it against the trust store.

    verified: the chain OpenSSL built up to a trust anchor (leaf first), empty when it did not verify;
    verify_error: OpenSSL's reason when it did not ("unable to get local issuer certificate").
    """

    chain: tuple[str, ...]
    verified: tuple[str, ...]
    verify_error: str | None


@dataclass(frozen=True)
class Certificate:
    """The leaf certificate an endpoint presented, whether it is trusted as clients trust it, and notes.

    hostname: the name the client expects (server_name, else host); hostname_matches: a SAN matches it.
    chain_trusted: OpenSSL verified the received chain up to an anchor of trust_store (as curl would);
    chain_error: OpenSSL's message when it did not. days_to_expiry: at observation time.
    strict_notes: what stricter validators (Python's cryptography, under sslyze) reject that OpenSSL, curl and
    browsers accept, worded for a person; evidence, not a verdict.
    """

    subject: str
    issuer: str
    names: tuple[str, ...]
    not_after: str
    days_to_expiry: float
    self_signed: bool
    chain_length: int
    chain_subjects: tuple[str, ...]
    chain_in_order: bool | None
    trust_store: str
    chain_trusted: bool
    chain_error: str | None
    hostname: str
    hostname_matches: bool
    strict_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TlsObservation:
    """An endpoint's handshakes, newest version first, and its certificate (None if nothing was accepted)."""

    name: str
    host: str
    port: int
    server_name: str | None
    handshakes: tuple[Handshake, ...]
    certificate: Certificate | None
    elapsed_ms: float  # the protocol verdict: every handshake of this endpoint
    certificate_ms: float  # analysing the chain (no network)

    @property
    def offered(self) -> tuple[str, ...]:
        return tuple(h.protocol for h in self.handshakes if h.outcome == "accepted")

    @property
    def inconclusive(self) -> tuple[Handshake, ...]:
        return tuple(h for h in self.handshakes if h.outcome == "inconclusive")

    @property
    def target(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


# --- observing ------------------------------------------------------------------------------------------
def _nassl_clients():
    from nassl.legacy_ssl_client import LegacySslClient
    from nassl.ssl_client import OpenSslVerifyEnum, OpenSslVersionEnum, SslClient
    return SslClient, LegacySslClient, OpenSslVersionEnum, OpenSslVerifyEnum


_VERSION_NAMES = {"TLSv1.3": "TLSV1_3", "TLSv1.2": "TLSV1_2", "TLSv1.1": "TLSV1_1", "TLSv1.0": "TLSV1",
                  "SSLv3": "SSLV3", "SSLv2": "SSLV2"}
_CLIENT_SIDE = ("no protocols available", "no ciphers available", "null ssl method passed",
                "unsupported protocol for this client", "no cipher match")
METHODS = {
    "TLSv1.3": "nassl SslClient (sslyze's modern OpenSSL), TLS 1.3 only, default TLS 1.3 suites",
    "TLSv1.2": "nassl SslClient (sslyze's modern OpenSSL), TLS 1.2 only, ciphers ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    "TLSv1.1": "nassl SslClient (sslyze's modern OpenSSL), TLS 1.1 only, ciphers ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    "TLSv1.0": "nassl SslClient (sslyze's modern OpenSSL), TLS 1.0 only, ciphers ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    "SSLv3": "nassl LegacySslClient (sslyze's legacy OpenSSL 1.0.2), SSL 3.0 only, ciphers ALL:COMPLEMENTOFALL",
    "SSLv2": "nassl LegacySslClient (sslyze's legacy OpenSSL 1.0.2), SSL 2.0 CLIENT-HELLO",
}


def _sni(host: str, server_name: str | None) -> str | None:
    name = server_name or host
    try:
        ipaddress.ip_address(name)
        return None  # no SNI for an IP address (RFC 6066)
    except ValueError:
        return name


class _Unreachable(Exception):
    pass


def handshake(host: str, port: int, protocol: str, timeout_s: float, server_name: str | None = None,
              trust_store: Path | None = None) -> tuple[Handshake, Received | None]:
    """One TCP connection, one handshake offering only ``protocol``. Returns the result and, when accepted
    and a ``trust_store`` is given, the received chain with OpenSSL's verification of it against that store
    (the handshake never stops on it). Raises _Unreachable when TCP fails."""
    ssl_client, legacy_client, versions, verify = _nassl_clients()
    started = time.perf_counter()
    try:
        sock = socket.create_connection((host, port), timeout=timeout_s)
    except OSError as exc:
        raise _Unreachable(f"TCP connect to {host}:{port} failed: {exc}") from None
    chain: Received | None = None
    try:
        version = getattr(versions, _VERSION_NAMES[protocol])
        if protocol in ("SSLv3", "SSLv2"):
            client = legacy_client(sock, ssl_version=version, ssl_verify=verify.NONE, ssl_verify_locations=trust_store,
                                   ignore_client_authentication_requests=True)
            if protocol == "SSLv3":
                client.set_cipher_list("ALL:COMPLEMENTOFALL")
            sni = None  # SSL 3.0 and 2.0 have no extensions
        else:
            sni = _sni(host, server_name)
            client = ssl_client(sock, ssl_version=version, ssl_verify=verify.NONE, ssl_verify_locations=trust_store,
                                server_name_indication=sni,
                                ignore_client_authentication_requests=True)  # mTLS endpoints still answer
            if protocol != "TLSv1.3":
                client.set_cipher_list("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        try:
            client.do_handshake()
        except TimeoutError:
            return _result(protocol, "inconclusive", f"no answer within {timeout_s:.1f} s", started), chain
        except Exception as exc:  # nassl raises OpenSSLError, OSError, ConnectionError for refusals
            text = " ".join(str(exc).split()) or type(exc).__name__
            outcome: Outcome = "inconclusive" if any(s in text.lower() for s in _CLIENT_SIDE) else "refused"
            return _result(protocol, outcome, text, started), chain
        detail = client.get_current_cipher_name()
        if trust_store is not None:
            chain = _verified(client)
        try:
            client.shutdown()
        except Exception:  # noqa: BLE001 - a server that resets after the handshake still accepted it
            pass
        return _result(protocol, "accepted", detail, started), chain
    finally:
        sock.close()


def _verified(client) -> Received:
    """OpenSSL's verdict on the chain this handshake received (nassl: SSL_get_verify_result)."""
    from nassl.ssl_client import CertificateChainVerificationFailed
    received = tuple(client.get_received_chain())
    try:
        if hasattr(client, "get_verified_chain"):
            return Received(received, tuple(client.get_verified_chain()), None)
        code = client._ssl.get_verify_result()  # the legacy client (SSL 3.0/2.0) has no get_verified_chain
        if code != 0:
            raise CertificateChainVerificationFailed(code)
        return Received(received, (), None)
    except CertificateChainVerificationFailed as exc:
        return Received(received, (), f"OpenSSL: {exc.openssl_error_string} (error {exc.openssl_error_code})")


def _result(protocol: str, outcome: Outcome, detail: str, started: float) -> Handshake:
    return Handshake(protocol, outcome, detail, METHODS[protocol], round((time.perf_counter() - started) * 1000, 2))


def observe(name: str, host: str, port: int, *, ca_bundle: Path | None, timeout_s: float,
            server_name: str | None = None, protocols: Sequence[str] = PROTOCOLS,
            now: dt.datetime | None = None) -> TlsObservation:
    """Every protocol handshake for one endpoint (sequential: one connection at a time per server, as
    sslyze bounds per-server concurrency), then the certificate of the first accepted one.
    An endpoint that does not accept TCP is CouldNotObserve; one that stops mid-way is inconclusive."""
    store_path, store_name = trust_store_file(ca_bundle)
    started = time.perf_counter()
    results: list[Handshake] = []
    chain: Received | None = None
    for protocol in protocols:
        try:
            result, got = handshake(host, port, protocol, timeout_s, server_name,
                                    trust_store=None if chain else store_path)
        except _Unreachable as exc:
            if not results:
                raise CouldNotObserve(f"TLS endpoint {name} ({host}:{port})", str(exc)) from None
            result, got = Handshake(protocol, "inconclusive", str(exc), METHODS[protocol], 0.0), None
        results.append(result)
        chain = chain or got
    elapsed = (time.perf_counter() - started) * 1000
    cert_started = time.perf_counter()
    certificate = analyse_chain(chain, server_name or host, store_path, store_name, now) if chain else None
    return TlsObservation(name, host, port, server_name, tuple(results), certificate, round(elapsed, 2),
                          round((time.perf_counter() - cert_started) * 1000, 2))


@dataclass(frozen=True)
class Target:
    name: str
    host: str
    port: int
    server_name: str | None = None


def observe_many(targets: Sequence[Target], *, ca_bundle: Path | None, timeout_s: float, max_parallel: int,
                 observe_one: Callable[..., TlsObservation] = observe,
                 ) -> tuple[list[TlsObservation], list[CouldNotObserve]]:
    """Endpoints concurrently in a bounded pool (at most ``max_parallel`` at once, one connection each).
    Returns what was observed and what could not be, so the check can show both."""
    def one(target: Target) -> TlsObservation | CouldNotObserve:
        try:
            return observe_one(target.name, target.host, target.port, ca_bundle=ca_bundle, timeout_s=timeout_s,
                               server_name=target.server_name)
        except CouldNotObserve as exc:
            return exc
    with ThreadPoolExecutor(max_workers=max(1, min(max_parallel, len(targets)))) as pool:
        outcomes = list(pool.map(one, targets))
    return ([o for o in outcomes if isinstance(o, TlsObservation)],
            [o for o in outcomes if isinstance(o, CouldNotObserve)])


def trust_store_file(ca_bundle: Path | None) -> tuple[Path, str]:
    """The PEM file chains are validated against, and how evidence names it."""
    if ca_bundle is not None:
        if not Path(ca_bundle).is_file():
            raise CouldNotObserve("the trust store", f"profile trust.ca_bundle {ca_bundle} does not exist")
        return Path(ca_bundle), f"profile trust.ca_bundle {ca_bundle}"
    system = ssl.get_default_verify_paths().cafile
    if system and Path(system).is_file():
        return Path(system), f"system trust store {system}"
    from sslyze.plugins.certificate_info.trust_stores.trust_store_repository import TrustStoresRepository
    store = TrustStoresRepository.get_default().get_main_store()
    return store.path, f"sslyze's {store.name} trust store {store.version}"


def _subject_of(name: str):
    from cryptography.x509 import DNSName, IPAddress
    try:
        return IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return DNSName(name)


def _names(cert) -> tuple[str, ...]:
    from cryptography.x509 import DNSName, ExtensionNotFound, IPAddress, SubjectAlternativeName
    try:
        san = cert.extensions.get_extension_for_class(SubjectAlternativeName).value
    except ExtensionNotFound:
        return ()
    return tuple(san.get_values_for_type(DNSName)) + tuple(str(ip) for ip in san.get_values_for_type(IPAddress))


def analyse_chain(received: Received, hostname: str, store_path: Path, store_name: str,
                  now: dt.datetime | None = None) -> Certificate:
    """The verdict on a received chain as clients reach it: OpenSSL's verification (done in the handshake) and
    an RFC 6125 hostname match; then sslyze's strict analysis, whose extra complaints become notes."""
    from cryptography import x509
    chain = [x509.load_pem_x509_certificate(pem.encode()) for pem in received.chain]
    leaf = chain[0]
    names = _names(leaf)
    hostname_matches = _name_matches(hostname, names)
    in_order, notes = _strict(received, hostname if hostname_matches else (names or (hostname,))[0], store_path,
                              store_name)
    now = now or dt.datetime.now(dt.UTC)
    not_after = leaf.not_valid_after_utc
    return Certificate(
        subject=leaf.subject.rfc4514_string(), issuer=leaf.issuer.rfc4514_string(), names=names,
        not_after=not_after.isoformat(), days_to_expiry=round((not_after - now).total_seconds() / 86400, 2),
        self_signed=leaf.issuer == leaf.subject, chain_length=len(chain),
        chain_subjects=tuple(c.subject.rfc4514_string() for c in chain), chain_in_order=in_order,
        trust_store=store_name, chain_trusted=received.verify_error is None, chain_error=received.verify_error,
        hostname=hostname, hostname_matches=hostname_matches, strict_notes=notes)


STRICT = "strict validators such as Python's cryptography (under sslyze 6) reject it"
_EXTENSIONS = {"2.5.29.15": ("keyUsage", "RFC 5280 §4.2.1.3"), "2.5.29.19": ("basicConstraints", "RFC 5280 §4.2.1.9"),
               "2.5.29.17": ("subjectAltName", "RFC 5280 §4.2.1.6"),
               "2.5.29.35": ("authorityKeyIdentifier", "RFC 5280 §4.2.1.1"),
               "2.5.29.14": ("subjectKeyIdentifier", "RFC 5280 §4.2.1.2"),
               "2.5.29.37": ("extendedKeyUsage", "RFC 5280 §4.2.1.12")}


def _strict(received: Received, name: str, store_path: Path, store_name: str) -> tuple[bool | None, tuple[str, ...]]:
    """sslyze's deployment analysis (chain order, strict path validation) of a chain OpenSSL trusts: its
    complaints, worded for a person. A chain OpenSSL rejects is already a finding; no note repeats it."""
    from sslyze.plugins.certificate_info._cert_chain_analyzer import CertificateDeploymentAnalyzer
    from sslyze.plugins.certificate_info.trust_stores.trust_store import TrustStore
    try:
        analysis = CertificateDeploymentAnalyzer(_subject_of(name), list(received.chain), None,
                                                 [TrustStore(store_path, store_name, "")]).perform()
    except Exception as exc:  # noqa: BLE001 - the strict analysis is evidence only
        return None, (f"sslyze's strict certificate analysis could not run: {type(exc).__name__}: {exc}",)
    error = analysis.path_validation_results[0].validation_error
    if received.verify_error is not None or analysis.path_validation_results[0].was_validation_successful:
        return analysis.received_chain_has_valid_order, ()
    return analysis.received_chain_has_valid_order, strict_notes(error or "", received.verified)


def strict_notes(error: str, verified: Sequence[str]) -> tuple[str, ...]:
    """A strict validator's complaint about a chain OpenSSL verified, as sentences a person acts on (pure)."""
    from cryptography import x509
    certs = [x509.load_pem_x509_certificate(pem.encode()) for pem in verified]
    notes = []
    for oid, (ext, rfc) in _EXTENSIONS.items():
        if oid not in error:
            continue
        lacking = [c for c in certs[1:] if _lacks(c, oid)] if oid == "2.5.29.15" else []
        for cert in lacking:
            role = "root CA" if cert.issuer == cert.subject else "intermediate CA"
            notes.append(f"the {role} {cert.subject.rfc4514_string()} lacks the {ext} extension ({rfc}); "
                         f"OpenSSL, curl and browsers accept it; {STRICT}")
        if not lacking:
            notes.append(f"a certificate of the chain has a {ext} extension ({rfc}) that strict validators refuse "
                         f"({error}); OpenSSL, curl and browsers accept it; {STRICT}")
    return tuple(notes) or (f"a strict validator refuses the chain that OpenSSL verified ({error}); OpenSSL, curl "
                            f"and browsers accept it; {STRICT}",)


def _lacks(cert, oid: str) -> bool:
    from cryptography import x509
    try:
        cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(oid))
        return False
    except x509.ExtensionNotFound:
        return True


def _name_matches(hostname: str, names: Sequence[str]) -> bool:
    """RFC 6125: exact name or IP, or a wildcard in the left-most label only."""
    host = hostname.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in names):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


# --- comparing ------------------------------------------------------------------------------------------
def problems(obs: TlsObservation, min_days_to_expiry: int) -> list[str]:
    """Every way one endpoint breaks TLS-ONLY; empty when it holds. Pure: no network."""
    found: list[str] = []
    offered = obs.offered
    offered_text = ", ".join(offered) if offered else "nothing"
    tls13 = next((h for h in obs.handshakes if h.protocol == "TLSv1.3"), None)
    if tls13 is not None and tls13.outcome == "refused":
        found.append(f"TLS 1.3 refused ({tls13.detail}); offered: {offered_text}; {RUNBOOKS_TLS}")
    extra = [p for p in offered if p not in ALLOWED]
    if extra:
        ciphers = "; ".join(f"{h.protocol} with {h.detail}" for h in obs.handshakes
                            if h.protocol in extra)
        found.append(f"offers {offered_text}: {', '.join(extra)} must be refused ({ciphers}); {RUNBOOKS_TLS}")
    cert = obs.certificate
    if cert is not None:
        if cert.days_to_expiry < min_days_to_expiry:
            found.append(f"certificate expires in {cert.days_to_expiry:.1f} days ({cert.not_after}); "
                         f"{RUNBOOK_EXPIRY.format(days=min_days_to_expiry)}")
        if not cert.chain_trusted:
            kind = "self-signed certificate" if cert.self_signed else "certificate chain"
            found.append(f"{kind} does not verify against the {cert.trust_store}: {cert.chain_error} "
                         f"(issuer {cert.issuer})")
        if not cert.hostname_matches:
            found.append(f"certificate hostname mismatch: it names {', '.join(cert.names) or cert.subject}, "
                         f"not {cert.hostname}")
    elif offered:
        found.append("no certificate chain was received from an accepted handshake")
    return found


def facts(obs: TlsObservation, min_days_to_expiry: int) -> list[Fact]:
    """TLS-ONLY drift: per endpoint (by name, never its port) the protocols offered and the certificate's
    verdicts; days to expiry is volatile (compared by whether it held)."""
    offered = sorted(obs.offered)
    out = [Fact(obs.name, "protocols offered", offered, sorted(ALLOWED), bool(offered) and set(offered) <= ALLOWED)]
    cert = obs.certificate
    if cert is not None:
        out += [Fact(obs.name, "certificate days to expiry", round(cert.days_to_expiry, 1),
                     f">= {min_days_to_expiry}", cert.days_to_expiry >= min_days_to_expiry, volatile=True),
                Fact(obs.name, "certificate chain trusted", cert.chain_trusted, True, cert.chain_trusted),
                Fact(obs.name, "certificate names the host", cert.hostname_matches, True, cert.hostname_matches)]
    return out


def verdict_line(obs: TlsObservation) -> str:
    """One line per endpoint naming every protocol offered (the evidence summary)."""
    cert = obs.certificate
    cert_text = (f"certificate {cert.days_to_expiry:.0f} days left, chain "
                 f"{'trusted' if cert.chain_trusted else 'NOT trusted'}, hostname "
                 f"{'matches' if cert.hostname_matches else 'MISMATCH'}"
                 + (f", {len(cert.strict_notes)} note(s) from strict validators" if cert.strict_notes else "")
                 ) if cert else "no certificate"
    return (f"{obs.target}: offers {', '.join(obs.offered) or 'nothing'}; refuses "
            f"{', '.join(h.protocol for h in obs.handshakes if h.outcome == 'refused') or 'nothing'}; "
            f"{cert_text}; {obs.elapsed_ms:.1f} ms for {len(obs.handshakes)} handshakes")


# --- cross-checks ---------------------------------------------------------------------------------------
_TESTSSL_IDS = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLS1": "TLSv1.0", "TLS1_1": "TLSv1.1", "TLS1_2": "TLSv1.2",
                "TLS1_3": "TLSv1.3"}


def testssl_offered(findings: Sequence[dict]) -> dict[str, bool]:
    """Protocol -> offered, from ``testssl.sh --protocols --jsonfile`` findings (for cross-checks and bench)."""
    out: dict[str, bool] = {}
    for finding in findings:
        protocol = _TESTSSL_IDS.get(str(finding.get("id")))
        if protocol is not None:
            text = str(finding.get("finding", "")).lower()
            out[protocol] = text.startswith("offered") or (" offered" in text and "not offered" not in text)
    return out
