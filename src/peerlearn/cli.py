"""The `peerlearn` command: run the demo, the web server, the worker, and admin chores."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SETTINGS_MODULE = "peerlearn.config.settings"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        # A bad environment variable: say which, without a traceback.
        print(f"peerlearn: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "peerlearn.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()  # a configuration error is reported here, once, not by every worker
    command = gunicorn_command(args.host, args.port, args.workers, args.threads)
    print(f"peerlearn serving on http://{args.host}:{args.port}/", flush=True)
    # Become gunicorn rather than wait for it: a service manager's SIGTERM (or Ctrl-C)
    # then reaches gunicorn's master, which stops its workers and frees the port. A
    # waiting parent would die of the signal and leave gunicorn running, orphaned.
    os.execv(command[0], command)  # noqa: S606 (our own argument list, no shell)


def cmd_worker(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.operations.in_use import hold_data_folder
    from peerlearn.operations.worker import recover_abandoned_work, run_worker, worker_id
    from peerlearn.periodic import PeriodicScheduler

    hold_data_folder()  # `peerlearn restore` refuses while a worker runs
    options: list[str] = ["--no-reload", "--interval", str(args.interval)]
    options += ["--worker-id", worker_id()]
    if args.batch:
        options.append("--batch")
    if args.queue:
        options += ["--queue-name", args.queue]
    scheduler = None if args.batch or args.no_periodic else PeriodicScheduler()
    if scheduler is not None:
        scheduler.start()
    try:
        # Analyses a killed worker left running are failed and queued again before this
        # worker takes work, rather than at the next periodic recovery.
        # A batch run (from cron) reports an unreachable database and ends instead.
        run_worker(options, keep_trying=not args.batch, before_each_start=recover_abandoned_work)
    finally:
        if scheduler is not None:
            scheduler.stop()
    return 0


def _new_password(args: argparse.Namespace, whom: str) -> str | None:
    password: str | None = args.password or os.environ.get("PEERLEARN_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        print(
            "error: give --password or PEERLEARN_ADMIN_PASSWORD when not interactive.",
            file=sys.stderr,
        )
        return None
    return getpass.getpass(f"Password for the new {whom}: ")


def cmd_createadmin(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.people.admin_accounts import admin_create

    password = _new_password(args, "organisation admin")
    if password is None:
        return 2
    try:
        person = admin_create(
            username=args.username,
            email=args.email,
            password=password,
            organisation_name=args.organisation,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Created admin {person.username} of {person.organisation}.")
    return 0


def cmd_export_kb(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.kb.cli_export import run_export

    return run_export(args)


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.people.admin_accounts import operator_create

    password = _new_password(args, "operator")
    if password is None:
        return 2
    try:
        operator = operator_create(username=args.username, email=args.email, password=password)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Created operator {operator.username} (Django admin at /admin/, no organisation).")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["peerlearn manage", *args.rest])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir or os.environ.get("PEERLEARN_DATA_DIR") or "peerlearn-data")
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = args.port if _port_is_free(args.host, args.port) else _free_port(args.host)
    address = f"http://{args.host}:{port}"
    os.environ["PEERLEARN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("PEERLEARN_BASE_URL", address)
    # So a person trying it can map a repository of their own: those under the folder
    # the demo was started from (unless the environment names other folders).
    os.environ.setdefault("PEERLEARN_REPOSITORY_ROOTS", os.getcwd())
    _setup_django()
    from django.core.management import call_command

    from peerlearn.demo import DEMO_PASSWORD, demo_load

    print(f"Data folder: {data_dir}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    logins = demo_load()
    env = dict(os.environ)
    processes = [
        subprocess.Popen(gunicorn_command(args.host, port, args.workers, 4), env=env),
        subprocess.Popen([sys.executable, "-m", "peerlearn.cli", "worker"], env=env),
    ]
    print(
        f"\npeerlearn demo is running at {address}/\n"
        f"Log in as one of these (password: {DEMO_PASSWORD}):\n"
        + "\n".join(f"  {username:<10} {description}" for username, description in logins)
        + f"\nMail is written to {data_dir / 'outbox'}. Local git repositories under "
        f"{os.environ['PEERLEARN_REPOSITORY_ROOTS']} can be registered on a team's Knowledge "
        "map page. Press Ctrl-C to stop.\n",
        flush=True,
    )
    return _supervise(processes)


def _supervise(processes: list[subprocess.Popen[bytes]]) -> int:
    """Wait until Ctrl-C (or SIGTERM) or a child dies, then stop all children cleanly."""
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.2)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print("peerlearn demo stopped.", flush=True)
    return 0 if stopping else 1


def cmd_backup(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.operations.backup import BackupError, backup_create

    path = Path(args.file)
    try:
        summary = backup_create(path=path, say=lambda text: print(text, flush=True))
    except BackupError as error:
        print(f"peerlearn backup: no backup written: {error}", file=sys.stderr)
        return 2
    print(
        f"Backup written to {summary.path}: the {summary.database} database and "
        f"{summary.files} files ({summary.bytes / 1e6:.1f} MB) of the data folder.",
        flush=True,
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _setup_django()
    from peerlearn.operations.restore import RestoreRefused, backup_restore

    path = Path(args.file)
    try:
        summary = backup_restore(path=path)
    except RestoreRefused as error:
        print(f"peerlearn restore: {path} not restored, nothing written: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the disk, not the archive: what was written stays
        print(f"peerlearn restore: failed: {error}", file=sys.stderr)
        return 1
    manifest = summary.manifest
    print(
        f"Restored the backup of {manifest.created_at} (peerlearn {manifest.peerlearn_version}): "
        f"the {manifest.database} database and {summary.files} files of the data folder. "
        "Run `peerlearn migrate` before starting the server.",
        flush=True,
    )
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    """Knowledge map of a repository; pure engine code, no Django needed."""
    from peerlearn.engines.knowledge.cli_analyze import run_analyze

    return run_analyze(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peerlearn",
        description="peerlearn runs an engineering team's peer-learning program. "
        "Configuration comes from the environment (see docs/configuration.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    demo = add(
        "demo",
        cmd_demo,
        "Create a SQLite database in a data folder, load a demo organisation, and run the "
        "web server and a background worker together until Ctrl-C.",
    )
    demo.add_argument(
        "--data-dir", help="data folder (default: $PEERLEARN_DATA_DIR or ./peerlearn-data)"
    )
    demo.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    demo.add_argument(
        "--port", type=int, default=8000, help="port (default 8000; a free one if taken)"
    )
    demo.add_argument("--workers", type=int, default=2, help="web processes (default 2)")

    serve = add("serve", cmd_serve, "Run the web server (gunicorn) for a configured installation.")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=2, help="web processes (default 2)")
    serve.add_argument("--threads", type=int, default=4, help="threads per process (default 4)")

    worker = add(
        "worker",
        cmd_worker,
        "Run a background worker that executes queued tasks and enqueues periodic jobs "
        "(session reminders, pruning of old task results).",
    )
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between polls (default 1)"
    )
    worker.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    worker.add_argument("--queue", help="only this queue")
    worker.add_argument(
        "--no-periodic",
        action="store_true",
        help="do not enqueue periodic jobs (session reminders every 10 minutes, daily pruning)",
    )

    backup = add(
        "backup",
        cmd_backup,
        "Write a backup of the database and the data folder (repositories, mail, the "
        "generated secret key) to one archive file, while the application runs.",
    )
    backup.add_argument("file", help="the archive to write (a new file, e.g. peerlearn.backup)")

    restore = add(
        "restore",
        cmd_restore,
        "Restore an archive written by `peerlearn backup` onto an empty installation (a new "
        "database and data folder), after checking the whole archive.",
    )
    restore.add_argument("file", help="the archive written by peerlearn backup")

    migrate = add("migrate", cmd_migrate, "Create or upgrade the database tables.")
    migrate.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2, 3])

    createadmin = add(
        "createadmin",
        cmd_createadmin,
        "Create an organisation admin (and its organisation if new), who manages the "
        "organisation's teams and members in peerlearn's pages (not in Django admin).",
    )
    createadmin.add_argument("--username", required=True)
    createadmin.add_argument("--email", required=True)
    createadmin.add_argument("--organisation", required=True, help="organisation name")
    createadmin.add_argument(
        "--password", help="prompted for when omitted (or $PEERLEARN_ADMIN_PASSWORD)"
    )

    createsuperuser = add(
        "createsuperuser",
        cmd_createsuperuser,
        "Create an operator of the installation: a superuser in no organisation, who uses "
        "Django admin (/admin/) and sees the background tasks of every organisation.",
    )
    createsuperuser.add_argument("--username", required=True)
    createsuperuser.add_argument("--email", required=True)
    createsuperuser.add_argument(
        "--password", help="prompted for when omitted (or $PEERLEARN_ADMIN_PASSWORD)"
    )

    analyze = add(
        "analyze",
        cmd_analyze,
        "Knowledge map of a git repository: truck factor, its people and knowledge islands.",
    )
    from peerlearn.engines.knowledge.cli_analyze import add_arguments

    add_arguments(analyze)

    export = add(
        "export-kb",
        cmd_export_kb,
        "Export an organisation's knowledge base (or one team's) to a folder, as Markdown "
        "with front matter or a static HTML site, or push it to a GitHub/GitLab wiki. "
        "Repeatable and incremental: only changed files are written.",
    )
    export.add_argument("--organisation", required=True, help="organisation name")
    export.add_argument("--team", help="only this team (its name)")
    export.add_argument("--format", choices=["markdown", "html", "wiki"], default="markdown")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", help="the folder to write (created if missing)")
    target.add_argument(
        "--push",
        metavar="WIKI_GIT_URL",
        help="the wiki's git URL (https://github.com/org/repo.wiki.git); a token from "
        "$PEERLEARN_WIKI_TOKEN_FILE is sent as an HTTP header, never on the command line",
    )

    manage = add("manage", cmd_manage, "Run a Django management command (peerlearn manage help).")
    manage.add_argument("rest", nargs=argparse.REMAINDER, help="the command and its arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
