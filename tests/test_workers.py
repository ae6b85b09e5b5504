"""Worker processes start without running the program's main script again
(``sopkit.outputs.workers.lean_main``): the ``sopkit`` command's script imports the
whole command line, which no worker needs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, sys
    with open(sys.argv[1], "a", encoding="utf-8") as log:  # each time this is run
        log.write(f"{os.getpid()}\\n")
    if __name__ == "__main__":
        from sopkit.outputs.site.generator import Processes
        from sopkit.outputs.workers import in_workers
        assert list(in_workers(abs, [-1, -2, -3, -4], jobs=2, start=os.getpid,
                               args=())) == [1, 2, 3, 4]
        with Processes(2) as started:
            assert started.pool.submit(os.getpid).result() != os.getpid()
        print("done")
""")


def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    """A script run by its path, as the ``sopkit`` command is: multiprocessing's spawn
    would import it again in every worker (so the log would have three lines or more)."""
    script, log = tmp_path / "main_script.py", tmp_path / "log.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), str(log)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1, (
        "a worker ran the main script again: see lean_main's notes on multiprocessing.spawn")
