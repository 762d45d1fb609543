"""Generate a synthetic git history quickly with `git fast-import`.

Realistic enough for the knowledge map: a skewed team (a few people do most of the
work), aliases (same person, two spellings), bots, directories, adds, edits, renames
(with and without edits), deletes, and side branches merged back with merge commits.
Creating 100k commits with porcelain commands would take hours; fast-import takes
well under a minute.

    python benchmarks/knowledge_synth.py /tmp/synth-10k 10000
"""

from __future__ import annotations

import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

WORDS = "alpha beta gamma delta omega parse build route cache query index graph".split()  # noqa: SIM905
START = 1_420_070_400  # 2015-01-01


@dataclass
class Synth:
    rng: random.Random
    out: IO[bytes]
    files: dict[str, list[str]] = field(default_factory=dict)
    mark: int = 0
    now: int = START
    counter: int = 0

    def people(self) -> list[tuple[str, str]]:
        team = [(f"Dev {i:03d}", f"dev{i}@example.com") for i in range(60)]
        team.append(("dev 001", "dev1@personal.example.org"))  # an alias by name
        team.append(("José Núñez", "jose@example.com"))
        team.append(("Jose Nunez", "jnunez@example.com"))  # alias by normalised name
        team.append(("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"))
        return team

    def content(self) -> list[str]:
        return [
            " ".join(self.rng.choice(WORDS) for _ in range(4)) + f" {self.rng.random():.6f}"
            for _ in range(12)
        ]

    def new_path(self) -> str:
        self.counter += 1
        top = f"pkg{self.rng.randrange(12)}"
        sub = f"mod{self.rng.randrange(40)}"
        return f"{top}/{sub}/file_{self.counter}.py"

    def blob(self, path: str, lines: list[str]) -> bytes:
        data = ("\n".join(lines) + "\n").encode()
        return b"M 100644 inline " + path.encode() + b"\ndata %d\n" % len(data) + data + b"\n"

    def operations(self) -> list[bytes]:
        ops: list[bytes] = []
        roll = self.rng.random()
        paths = list(self.files) if self.files else []
        if not paths or roll < 0.12:
            for _ in range(self.rng.randint(1, 3)):
                path = self.new_path()
                self.files[path] = self.content()
                ops.append(self.blob(path, self.files[path]))
        elif roll < 0.17 and len(paths) > 10:
            old = self.rng.choice(paths)
            new = self.new_path()
            lines = self.files.pop(old)
            ops.append(b"R " + old.encode() + b" " + new.encode() + b"\n")
            if self.rng.random() < 0.5:  # rename + edit
                lines[self.rng.randrange(len(lines))] = "edited " + self.rng.choice(WORDS)
                ops.append(self.blob(new, lines))
            self.files[new] = lines
        elif roll < 0.20 and len(paths) > 10:
            victim = self.rng.choice(paths)
            del self.files[victim]
            ops.append(b"D " + victim.encode() + b"\n")
        else:
            for path in {self.rng.choice(paths) for _ in range(self.rng.randint(1, 4))}:
                lines = self.files[path]
                lines[self.rng.randrange(len(lines))] = " ".join(
                    self.rng.choice(WORDS) for _ in range(5)
                )
                ops.append(self.blob(path, lines))
        return ops

    def commit(
        self, ref: str, person: tuple[str, str], ops: list[bytes], parents: list[int]
    ) -> int:
        self.mark += 1
        self.now += self.rng.randint(600, 7200)
        ident = f"{person[0]} <{person[1]}> {self.now} +0000".encode()
        message = f"change {self.mark}\n".encode()
        head = b"commit %s\nmark :%d\nauthor %s\ncommitter %s\n" % (
            ref.encode(),
            self.mark,
            ident,
            ident,
        )
        head += b"data %d\n%s" % (len(message), message)
        if parents:
            head += b"from :%d\n" % parents[0]
            for extra in parents[1:]:
                head += b"merge :%d\n" % extra
        self.out.write(head + b"".join(ops) + b"\n")
        return self.mark


def generate(path: Path, commits: int, seed: int = 7) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    importer = subprocess.Popen(
        ["git", "-C", str(path), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    synth = Synth(random.Random(seed), importer.stdin)
    team = synth.people()
    weights = [1.0 / (rank + 1) for rank in range(len(team))]
    main_tip = 0
    made = 0
    while made < commits:
        if made > 50 and synth.rng.random() < 0.01:
            # A side branch of three commits, merged back with a merge commit.
            side_ops: list[bytes] = []
            side_tip = main_tip
            for _ in range(3):
                ops = synth.operations()
                side_ops += ops
                person = synth.rng.choices(team, weights)[0]
                side_tip = synth.commit("refs/heads/side", person, ops, [side_tip])
            merger = synth.rng.choices(team, weights)[0]
            main_tip = synth.commit("refs/heads/main", merger, side_ops, [main_tip, side_tip])
            made += 4
            continue
        person = synth.rng.choices(team, weights)[0]
        main_tip = synth.commit(
            "refs/heads/main", person, synth.operations(), [main_tip] if main_tip else []
        )
        made += 1
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", str(path), "branch", "-q", "-D", "side"], check=False)


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]))
