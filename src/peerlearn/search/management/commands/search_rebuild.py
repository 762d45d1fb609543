"""`peerlearn manage search_rebuild`: index every page, notes and transcript again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peerlearn.people.models import Team
from peerlearn.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from scratch (all teams, or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", type=int, help="Only this team (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        team = None
        if options["team"] is not None:
            team = Team.objects.filter(pk=options["team"]).first()
            if team is None:
                self.stderr.write(f"No team with id {options['team']}.")
                raise SystemExit(1)
        written = search_rebuild(team=team)
        self.stdout.write(f"Indexed {written} entries.")
