"""`peerlearn export-kb`: the knowledge base to a folder or a wiki, from the command line."""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

from peerlearn.engines.kb import KbExportError, UnsafePath
from peerlearn.engines.kb.wiki_git import WikiPushError
from peerlearn.kb.export import export_to_directory, export_to_wiki
from peerlearn.people.models import Organisation, Team


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _token_header() -> dict[str, str]:
    path = os.environ.get("PEERLEARN_WIKI_TOKEN_FILE")
    if not path:
        return {}
    token = Path(path).read_text(encoding="utf-8").strip()
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {"http.extraHeader": f"Authorization: Basic {basic}"}


def run_export(args: argparse.Namespace) -> int:
    organisation = Organisation.objects.filter(name=args.organisation).first()
    if organisation is None:
        return _error(f"no organisation is called {args.organisation!r}")
    team_id = None
    if args.team:
        team = Team.objects.filter(organisation=organisation, name=args.team).first()
        if team is None:
            return _error(f"{organisation.name} has no team called {args.team!r}")
        team_id = team.pk
    try:
        if args.push:
            result = export_to_wiki(
                organisation_id=organisation.pk,
                remote_url=args.push,
                team_id=team_id,
                git_config=_token_header(),
            )
            print(result.summary)
            return 0
        report = export_to_directory(
            organisation_id=organisation.pk,
            directory=Path(args.to),
            format=args.format,
            team_id=team_id,
            workers=os.cpu_count() or 1,
        )
    except (KbExportError, UnsafePath, WikiPushError, OSError) as error:
        return _error(str(error))
    print(
        f"{args.to}: {len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed."
    )
    return 0
