"""How the ``ecodigital`` process ends: its exit code, its output whole, its clean-up run.

``main`` leaves with ``os._exit`` once a command is done (no teardown of the
interpreter's objects). These run the real entry point in a fresh process, the
way a user's shell does, and check what that shortcut must not lose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ecodigital import __version__

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guichet-mutualise" / "dossier.yaml"


def run_main(args: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """``ecodigital ARGS`` through :func:`ecodigital.cli.main`, ``before`` run first."""
    program = (
        "import sys\n"
        f"{before}\n"
        "from ecodigital.cli import main\n"
        "sys.argv = ['ecodigital', *sys.argv[1:]]\n"
        "main()\n"
        "print('main returned')\n"  # never: main always ends the process
    )
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ECODIGITAL_LANG": "fr"},
    )


def test_a_long_output_reaches_a_pipe_whole() -> None:
    done = run_main(["assess", str(EXAMPLE), "--deterministic", "--format", "json", "--rows"])
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # cut short, it would not parse
    assert data["format"] == "ecodigital-assessment/3"
    assert "main returned" not in done.stdout


def test_bad_input_still_exits_2_with_its_one_line() -> None:
    done = run_main(["validate", "missing.yaml"])
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Erreur : missing.yaml: dossier introuvable. Correction : vérifiez le chemin"
    )


def test_atexit_functions_run_before_the_process_ends() -> None:
    before = "import atexit\natexit.register(lambda: print('clean-up ran', flush=True))"
    done = run_main(["--version"], before)
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"ecodigital, version {__version__}", "clean-up ran"]


def test_a_thread_still_running_is_waited_for() -> None:
    # Python's own exit joins the threads that are not daemons: so does ecodigital's
    before = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.3), print('thread done', flush=True)))"
        ".start()"
    )
    done = run_main(["--version"], before)
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"ecodigital, version {__version__}", "thread done"]
