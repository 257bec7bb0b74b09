"""Two dashboard instances started together build the reference cache once, and neither
reads a half-written cache (several instances behind a proxy share one cache folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from territorial.core.paths import ROOT

CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from territorial.model import reference

    log = Path(sys.argv[1])
    real_build = reference.build_reference

    def counted(path, **kwargs):
        with log.open("a") as out:
            out.write(f"build {os.getpid()}\\n")
        return real_build(path, **kwargs)

    reference.build_reference = counted
    messages = []
    ref = reference.load_reference(progress=lambda f, m: messages.append(m))
    print(json.dumps({"epci": len(ref.epci), "communes": len(ref.communes),
                      "waited": any("Un autre processus" in m for m in messages)}))
    """
)


def test_two_processes_starting_together_build_the_cache_once(tmp_path: Path) -> None:
    cache, log = tmp_path / "cache", tmp_path / "builds.log"
    env = {**os.environ, "TERRITORIAL_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(log)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=900)  # a guard against a hang, not a timing
        assert child.returncode == 0, err.decode(errors="replace")[-3000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    builds = log.read_text().splitlines()
    assert len(builds) == 1, builds  # one build for two processes
    assert results[0]["epci"] == results[1]["epci"] > 1200
    assert results[0]["communes"] == results[1]["communes"] > 34000
    assert sorted(r["waited"] for r in results) == [False, True]  # the other one said it waited
    # Only the finished cache and its lock file: no half-written folder left behind.
    entries = sorted(p.name for p in cache.iterdir())
    assert len(entries) == 2 and entries[1] == entries[0] + ".lock", entries
    assert (cache / entries[0] / "meta.json").exists()
