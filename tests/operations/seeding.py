"""Data for an installation: the demo organisation, and a repository cloned into the data
folder by a real worker, so a backup has rows in every part and files to carry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.operations.installation import Installation

SEED = """
from peerlearn.demo import demo_load
from peerlearn.knowledge.services import repository_create
from peerlearn.people.models import Team
from django.conf import settings
from pathlib import Path

demo_load()
demo = Path(settings.DATA_DIR) / "demo-repositories" / "northwind-platform.git"
repository_create(
    team=Team.objects.get(slug="platform"), created_by=None, name="clone",
    kind="clone", location=demo.as_uri(),
)
"""

WRITER = """
import sys
from pathlib import Path
from django.db import connection
from peerlearn.people.models import Organisation
from peerlearn.people.services import person_create

progress, stop = Path(sys.argv[1]), Path(sys.argv[2])
if connection.vendor == "sqlite":
    # Committed writes stay in the WAL file, where a copy of the database file alone
    # (not a real snapshot) would miss them.
    connection.cursor().execute("PRAGMA wal_autocheckpoint=0")
organisation = Organisation.objects.get()
number = 0
while not stop.exists():
    # One transaction, two tables: the person and the audit entry of their admin rights.
    person_create(
        organisation=organisation, username=f"writer-{number}",
        email=f"writer-{number}@example.com", is_org_admin=True,
    )
    number += 1
    # Replaced whole: write_text truncates first, and a reader could see "" (0 writes).
    progress.with_suffix(".partial").write_text(str(number))
    progress.with_suffix(".partial").replace(progress)
"""


def allow_demo_clones(installation: Installation) -> None:
    installation.env["PEERLEARN_REPOSITORY_ROOTS"] = str(
        installation.data_dir / "demo-repositories"
    )


def seed(installation: Installation) -> None:
    allow_demo_clones(installation)
    installation.migrate()
    installation.python(SEED)
    worker = installation.cli("worker", "--batch", "--no-periodic")
    assert worker.returncode == 0, worker.stderr
    clones = [p for p in (installation.data_dir / "repositories").iterdir() if p.is_dir()]
    assert len(clones) == 1, clones  # the clone-kind repository was cloned
    assert (clones[0] / "HEAD").is_file()


def start_writer(
    installation: Installation, folder: Path
) -> tuple[subprocess.Popen[str], Path, Path]:
    progress, stop = folder / "writer-progress", folder / "writer-stop"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django\ndjango.setup()\n" + WRITER,
            str(progress),
            str(stop),
        ],
        env=installation.env,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, progress, stop


def writes_done(progress: Path) -> int:
    try:
        return int(progress.read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0
