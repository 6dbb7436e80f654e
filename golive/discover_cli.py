"""`golive discover` and `golive explain` (issue 17): the subcommands, their options and one-line errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

USAGE, FAILED = 4, 1


def add_parsers(sub: Any) -> None:
    d = sub.add_parser("discover", help="draft a profile from what the cloud providers show (reads only)")
    d.add_argument("--provider", action="append", choices=["aws", "azure", "kubernetes"], default=[],
                   help="a cloud to read (repeat for several); with --from, the profile's providers are read")
    d.add_argument("--from", dest="source", default=None, help="read the providers block of this profile")
    d.add_argument("--runbook", action="append", default=[], help="runbook the thresholds come from (000..004; repeat)")
    d.add_argument("--out", default=None, help="file to write (default: print the draft)")
    d.add_argument("--merge", default=None, metavar="PROFILE",
                   help="re-read PROFILE's providers and merge into it in place: add resources that appeared, mark "
                        "ones that vanished, leave every line you wrote as it is (--runbook defaults to its runbooks)")
    d.add_argument("--name", default=None, help="profile name (default: the --out file's stem)")
    for opt in ("aws-region", "aws-profile", "aws-endpoint-url", "aws-credentials-file", "azure-subscription",
                "azure-resource-group", "azure-cloud", "azure-arm-endpoint", "azure-authority-host",
                "azure-audience", "azure-ca-bundle", "kubeconfig", "context"):
        d.add_argument(f"--{opt}", default=None)
    d.add_argument("--namespace", action="append", default=[], help="Kubernetes namespace to read (repeat)")
    d.set_defaults(func=_discover)
    e = sub.add_parser("explain", help="what a checklist item checks and every profile field of its section")
    e.add_argument("item", help="a checklist item id (HEALTH, MULTI-AZ, ...)")
    e.set_defaults(func=_explain)


def _block(args: argparse.Namespace) -> dict[str, Any]:
    """The providers block the options describe (only what was given)."""
    out: dict[str, Any] = {}
    if "aws" in args.provider:
        out["aws"] = {k: v for k, v in {"region": args.aws_region, "profile": args.aws_profile,
                                        "endpoint_url": args.aws_endpoint_url,
                                        "credentials_file": args.aws_credentials_file}.items() if v is not None}
    if "azure" in args.provider:
        out["azure"] = {k: v for k, v in {"subscription_id": args.azure_subscription,
                                          "resource_group": args.azure_resource_group, "cloud": args.azure_cloud,
                                          "arm_endpoint": args.azure_arm_endpoint,
                                          "authority_host": args.azure_authority_host,
                                          "audience": args.azure_audience,
                                          "ca_bundle": args.azure_ca_bundle}.items() if v is not None}
    if "kubernetes" in args.provider:
        out["kubernetes"] = {k: v for k, v in {"kubeconfig": args.kubeconfig, "context": args.context,
                                               "namespaces": args.namespace or None}.items() if v is not None}
    return out


def _discover(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from golive import discover
    from golive.profile.load import ProfileError, format_validation_error, load_profile, read_yaml
    from golive.profile.model import Providers
    from golive.registry import RUNBOOKS

    if args.merge:
        if args.source or args.provider:
            print("golive discover: --merge reads the providers of the profile it merges into; drop --from/--provider",
                  file=sys.stderr)
            return USAGE
        args.source = args.merge
        try:
            args.runbook = args.runbook or list(load_profile(args.merge).profile.runbooks)
        except ProfileError as exc:
            print(f"golive discover: {exc}", file=sys.stderr)
            return USAGE
    runbooks = tuple(dict.fromkeys(args.runbook))
    unknown = [r for r in runbooks if r not in RUNBOOKS]
    if not runbooks or unknown:
        print(f"golive discover: name the runbook(s) the thresholds come from with --runbook "
              f"({', '.join(RUNBOOKS)}){'; unknown: ' + ', '.join(unknown) if unknown else ''}", file=sys.stderr)
        return USAGE
    lab = False
    try:
        if args.source:
            loaded = load_profile(args.source)
            block = (read_yaml(loaded.path) or {}).get("providers") or {}
            config, lab = loaded.profile.providers, loaded.profile.lab
        else:
            block = _block(args)
            if not block:
                print("golive discover: name a cloud with --provider aws|azure|kubernetes (and its options), or "
                      "read a profile's providers with --from", file=sys.stderr)
                return USAGE
            config = Providers.model_validate(block)
    except ProfileError as exc:
        print(f"golive discover: {exc}", file=sys.stderr)
        return USAGE
    except ValidationError as exc:
        print(f"golive discover: {format_validation_error(Path('providers'), exc)}", file=sys.stderr)
        return USAGE
    if lab:
        import os

        from golive.lab.components.azure import identity_environment
        for key, value in identity_environment().items():
            os.environ.setdefault(key, value)
    out = Path(args.out) if args.out else Path(args.merge) if args.merge else None
    name = args.name or (out.stem if out else "discovered")
    text, writes = discover.discover(config, block, name, runbooks)
    if writes:
        print(f"golive discover: {len(writes)} calls were not reads ({writes[0]}); nothing written", file=sys.stderr)
        return FAILED
    if args.merge:
        return _merge(Path(args.merge), text, out or Path(args.merge))
    if out is None:
        sys.stdout.write(text)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    decide = discover.decide_lines(text)
    print(f"draft: {out} ({len(text.splitlines())} lines, {len(decide)} DECIDE lines to review); then "
          f"golive check-profile {out} and pytest -m production --profile {out}")
    return 0


def _merge(profile: Path, fresh: str, out: Path) -> int:
    """Write the merge of ``fresh`` into ``profile`` (issue 17 bullet 2) and say what changed."""
    from golive.discover_merge import merge

    merged = merge(profile.read_bytes().decode("utf-8"), fresh)  # bytes: the user's line endings stay as written
    out.write_bytes(merged.text.encode("utf-8"))
    print(f"merged into {out}: {len(merged.added)} added, {len(merged.vanished)} marked VANISHED, "
          f"{len(merged.back)} back (mark dropped); review them, then golive check-profile {out}")
    for what, keys in (("added", merged.added), ("vanished", merged.vanished), ("back", merged.back),
                       ("not merged", merged.not_merged)):
        for key in keys:
            print(f"  {what}: {key}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from golive import explain
    try:
        sys.stdout.write(explain.explain(args.item.upper()))
    except KeyError as exc:
        print(f"golive explain: {exc.args[0]}", file=sys.stderr)
        return USAGE
    return 0
