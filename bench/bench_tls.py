"""Benchmark: golive's TLS-ONLY verdict against testssl.sh, sslscan and sslyze on the same lab hosts.

One run starts ten lab nginx hosts (compliant and broken variants) on loopback, then prints:
  - per host: golive's protocol verdict (one handshake per version) and certificate analysis, against
    ``testssl.sh --protocols``, ``sslscan`` (full, and protocols only) and sslyze's six protocol
    (cipher-suite) scan commands, with the ratios, and whether every tool names the same protocols;
  - ten hosts at once: golive's bounded pool against sslyze's scanner;
  - the wall time of the three items (TLS-ONLY, SEC-HEADERS, CDN) run as checks over the ten hosts.

    python bench/bench_tls.py [--repeat 5] [--testssl-hosts 3]

testssl.sh takes ~10 s a host; --testssl-hosts limits how many hosts it scans (sequentially, so its time
is not inflated by running beside the others).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from golive.lab.component import components  # noqa: E402
from golive.lab.runtime import LabRuntime  # noqa: E402
from golive.probes import tls  # noqa: E402

HOSTS = ("compliant", "tls12-enabled", "tls10-enabled", "cert-near-expiry", "cert-wrong-host", "cert-self-signed",
         "no-hsts", "weak-hsts", "csp-unsafe-inline", "no-caching")
SSLSCAN_NAMES = {"SSLv2": "SSLv2", "SSLv3": "SSLv3", "TLSv1.0": "TLSv1.0", "TLSv1.1": "TLSv1.1", "TLSv1.2": "TLSv1.2",
                 "TLSv1.3": "TLSv1.3"}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms" if seconds < 10 else f"{seconds:8.2f} s "


def _median(fn, repeat: int) -> tuple[float, object]:
    times, last = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), last


def golive_one(port: int, ca: Path):
    return tls.observe("bench", "127.0.0.1", port, ca_bundle=ca, timeout_s=3.0)


def sslscan(port: int, protocols_only: bool) -> set[str]:
    args = ["sslscan", "--no-colour"]
    if protocols_only:
        args += ["--no-ciphersuites", "--no-renegotiation", "--no-compression", "--no-heartbleed", "--no-groups",
                 "--no-check-certificate", "--no-fallback"]
    out = subprocess.run([*args, f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=120).stdout
    offered = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in SSLSCAN_NAMES and parts[1] == "enabled":
            offered.add(SSLSCAN_NAMES[parts[0]])
    return offered


def testssl(port: int, workdir: Path) -> set[str]:
    out = workdir / f"testssl-{port}-{time.monotonic_ns()}.json"
    subprocess.run([shutil.which("testssl") or "testssl.sh", "--protocols", "--quiet", "--warnings", "off", "--color",
                    "0", "--jsonfile", str(out), f"127.0.0.1:{port}"], capture_output=True, timeout=300)
    findings = tls.testssl_offered(json.loads(out.read_text()))
    return {p for p, offered in findings.items() if offered}


def sslyze_protocols(ports: list[int]) -> dict[int, set[str]]:
    from sslyze import ScanCommand, Scanner, ServerNetworkLocation, ServerScanRequest

    commands = {ScanCommand.SSL_2_0_CIPHER_SUITES: "SSLv2", ScanCommand.SSL_3_0_CIPHER_SUITES: "SSLv3",
                ScanCommand.TLS_1_0_CIPHER_SUITES: "TLSv1.0", ScanCommand.TLS_1_1_CIPHER_SUITES: "TLSv1.1",
                ScanCommand.TLS_1_2_CIPHER_SUITES: "TLSv1.2", ScanCommand.TLS_1_3_CIPHER_SUITES: "TLSv1.3"}
    scanner = Scanner()
    scanner.queue_scans([ServerScanRequest(server_location=ServerNetworkLocation("127.0.0.1", p),
                                           scan_commands=set(commands)) for p in ports])
    out: dict[int, set[str]] = {}
    for result in scanner.get_results():
        offered = set()
        for command, name in commands.items():
            attempt = getattr(result.scan_result, command.value)
            if attempt.result is not None and attempt.result.accepted_cipher_suites:
                offered.add(name)
        out[result.server_location.port] = offered
    return out


def three_items(started: dict, ca: Path, workdir: Path) -> tuple[float, dict[str, float], str]:
    """Run checks/test_tls_only.py, test_sec_headers.py and test_cdn.py over the ten hosts as a user would."""
    import yaml
    endpoints = [{"name": v, "host": "127.0.0.1", "port": s.ports["https"]} for v, s in started.items()]
    origins = [{"name": v, "url": s.endpoints["https"] + "/", "http_url": s.endpoints["http"] + "/"}
               for v, s in started.items()]
    assets = [{"name": v, "url": s.endpoints["asset"]} for v, s in started.items()]
    profile = {"name": "bench", "runbooks": ["000"], "trust": {"ca_bundle": str(ca)},
               "items": {"TLS-ONLY": {"live": {"endpoints": endpoints}, "configuration": {
                   "not_applicable": "bench: live handshakes only"}}, "SEC-HEADERS": {"origins": origins},
                         "CDN": {"assets": assets}}}
    path = workdir / "bench-profile.yaml"
    path.write_text(yaml.safe_dump(profile, sort_keys=False))
    junit = workdir / "junit.xml"
    begun = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "checks/test_tls_only.py",
                           "checks/test_sec_headers.py", "checks/test_cdn.py", "--profile", str(path),
                           "--alluredir", str(workdir / "allure"), "--junitxml", str(junit)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - begun
    import xml.etree.ElementTree as ET
    calls = {case.get("name"): float(case.get("time")) for case in ET.parse(junit).iter("testcase")}
    summary = next((line for line in proc.stdout.splitlines() if " in " in line and ("passed" in line or "failed" in line)),
                   proc.stdout[-200:])
    return wall, calls, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions for the fast tools (median shown)")
    parser.add_argument("--testssl-hosts", type=int, default=3, help="hosts testssl.sh scans (~10 s each)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="golive-bench-tls-"))
    rt = LabRuntime(workdir / "lab")
    nginx = components()["nginx"]
    try:
        started = {v: nginx.start(rt, v, instance=f"bench-{v}") for v in HOSTS}
        ca = rt.ca_file
        ports = {v: s.ports["https"] for v, s in started.items()}
        golive_one(ports["compliant"], ca)  # imports (nassl, sslyze, cryptography) outside the timings
        print(f"golive TLS bench: {len(HOSTS)} lab nginx hosts on loopback, median of {args.repeat} "
              f"(testssl.sh once, on {args.testssl_hosts} hosts)\n")
        header = (f"{'host':<18} {'golive verdict':>14} {'+cert':>9} {'sslscan -p':>11} {'sslscan':>10} "
                  f"{'sslyze 6 cmds':>13} {'testssl -p':>11}  x sslscan  x sslyze  x testssl  offered (agree)")
        print(header)
        print("-" * len(header))
        totals: dict[str, list[float]] = {k: [] for k in ("golive", "scan_p", "scan", "sslyze", "testssl")}
        for index, (variant, port) in enumerate(ports.items()):
            t_golive, obs = _median(lambda port=port: golive_one(port, ca), args.repeat)
            verdict_s = obs.elapsed_ms / 1000
            t_scan_p, scan_p = _median(lambda port=port: sslscan(port, True), args.repeat)
            t_scan, _ = _median(lambda port=port: sslscan(port, False), max(1, args.repeat // 2))
            t_sslyze, sslyze_seen = _median(lambda port=port: sslyze_protocols([port]),
                                            max(1, args.repeat // 2))
            if index < args.testssl_hosts and shutil.which("testssl"):
                t_testssl, testssl_seen = _median(lambda port=port: testssl(port, workdir), 1)
            else:
                t_testssl, testssl_seen = None, None
            ours = set(obs.offered)
            agree = ours == scan_p == sslyze_seen[port] and (testssl_seen is None or ours == testssl_seen)
            for key, value in (("golive", verdict_s), ("scan_p", t_scan_p), ("scan", t_scan), ("sslyze", t_sslyze)):
                totals[key].append(value)
            if t_testssl is not None:
                totals["testssl"].append(t_testssl)
            print(f"{variant:<18} {_ms(verdict_s):>14} {_ms(t_golive):>9} {_ms(t_scan_p):>11} {_ms(t_scan):>10} "
                  f"{_ms(t_sslyze):>13} {(_ms(t_testssl) if t_testssl else '-'):>11}  "
                  f"{t_scan / verdict_s:8.0f}x {t_sslyze / verdict_s:7.0f}x "
                  f"{(f'{t_testssl / verdict_s:8.0f}x' if t_testssl else '        -')}  "
                  f"{'+'.join(sorted(ours))} ({'yes' if agree else 'NO: ' + str((scan_p, sslyze_seen[port], testssl_seen))})")
        g = statistics.median(totals["golive"])
        print("\nmedian per host: golive verdict " + _ms(g).strip()
              + f"; sslscan protocols-only {_ms(statistics.median(totals['scan_p'])).strip()} "
                f"({statistics.median(totals['scan_p']) / g:.0f}x)"
              + f"; sslscan full {_ms(statistics.median(totals['scan'])).strip()} ({statistics.median(totals['scan']) / g:.0f}x)"
              + f"; sslyze 6 commands {_ms(statistics.median(totals['sslyze'])).strip()} "
                f"({statistics.median(totals['sslyze']) / g:.0f}x)"
              + (f"; testssl.sh --protocols {_ms(statistics.median(totals['testssl'])).strip()} "
                 f"({statistics.median(totals['testssl']) / g:.0f}x)" if totals["testssl"] else ""))

        targets = [tls.Target(v, "127.0.0.1", p) for v, p in ports.items()]
        t_many, (seen, blind) = _median(lambda: tls.observe_many(targets, ca_bundle=ca, timeout_s=3.0, max_parallel=10),
                                        args.repeat)
        t_sslyze_many, _ = _median(lambda: sslyze_protocols(list(ports.values())), max(1, args.repeat // 2))
        print("(golive imports nassl/sslyze/cryptography once per process, ~0.5 s, outside these timings)")
        print(f"\n{len(targets)} hosts at once: golive (pool of 10, verdict + certificate) {_ms(t_many).strip()}; "
              f"sslyze 6 commands {_ms(t_sslyze_many).strip()} ({t_sslyze_many / t_many:.0f}x); "
              f"target <= 500 ms: {'met' if t_many <= 0.5 else 'MISSED'}")

        wall, calls, summary = three_items(started, ca, workdir)
        print(f"\nthree items as checks over {len(HOSTS)} hosts (TLS-ONLY {len(HOSTS)} endpoints, SEC-HEADERS "
              f"{len(HOSTS)} origins x 3 requests, CDN {len(HOSTS)} assets x 2 requests):")
        for name, seconds in calls.items():
            print(f"  {name:<70} {_ms(seconds).strip()}")
        print(f"  checks' own time {_ms(sum(calls.values())).strip()}; pytest process wall {wall:.2f} s "
              f"(interpreter, plugins, Allure); verdicts: {summary.strip()} (the broken hosts fail, as they should)")
    finally:
        rt.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
