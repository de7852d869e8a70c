"""``ecodigital measure``: bad input (fast) and real CodeCarbon runs (slow, offline)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecodigital.cli import cli
from ecodigital.measure.read import read_emissions_csv

ROOT = Path(__file__).parents[2]
PYTHON = sys.executable

# Loaded by every Python process of a run (ecodigital and the measured command)
# through PYTHONPATH: records each process, and every attempt to resolve a host
# name or to open an IP connection, which it refuses. Unix sockets are let through.
NETWORK_GUARD = textwrap.dedent(
    """
    import os, socket

    _LOG = os.environ["ECODIGITAL_NETWORK_LOG"]

    def _record(line):
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {line}\\n")

    _record("guard loaded")
    _connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex

    def _refuse(what):
        _record(what)
        return OSError(101, "network disabled by the test")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise _refuse(f"connect {address!r}")
        return _connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _record(f"connect_ex {address!r}")
            return 101
        return _connect_ex(self, address)

    def create_connection(address, *args, **kwargs):
        raise _refuse(f"create_connection {address!r}")

    def getaddrinfo(host, *args, **kwargs):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror(-2, "name resolution disabled by the test")

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.create_connection, socket.getaddrinfo = create_connection, getaddrinfo
    socket.gethostbyname = lambda host: getaddrinfo(host)
    """
)


def _env(tmp_path: Path) -> dict[str, str]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(guard), str(ROOT)])
    env["ECODIGITAL_NETWORK_LOG"] = str(tmp_path / "network.log")
    return env


def _network_log(tmp_path: Path) -> list[str]:
    path = tmp_path / "network.log"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _measure(tmp_path: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "ecodigital", "measure", "-o", str(tmp_path / "out"), *args]


def _sidecars(folder: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("measure-*.json"))
    ]


def _csv_rows(path: Path) -> int:
    if not path.exists():
        return 0
    return max(len(path.read_text(encoding="utf-8").splitlines()) - 1, 0)


def _wait_for_rows(path: Path, rows: int, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while _csv_rows(path) < rows:
        assert time.monotonic() < deadline, f"fewer than {rows} rows in {path} after {timeout_s} s"
        time.sleep(0.1)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--country", "fra", "--", "true"],
            "Erreur : --country: « fra » n'est pas un code pays ISO 3166-1 alpha-3 (le code à "
            "3 lettres, en majuscules). Correction : écrivez FRA (France)",
        ),
        (
            ["--country", "France", "--", "true"],
            "Erreur : --country: « France » n'est pas un code pays ISO 3166-1 alpha-3 (le code à "
            "3 lettres, en majuscules). Correction : écrivez FRA (France)",
        ),
        (
            ["--country", "XYZ", "--", "true"],
            "Erreur : --country: « XYZ » n'est pas un code pays connu. Correction : écrivez le "
            "code ISO 3166-1 alpha-3 du pays, par exemple FRA, BEL ou DEU",
        ),
        (
            [],
            "Erreur : COMMANDE: rien à mesurer. Correction : écrivez « ecodigital measure -- "
            "COMMANDE ARGUMENTS » ou « ecodigital measure --duration 2h »",
        ),
        (
            ["--duration", "1h", "--", "true"],
            "Erreur : COMMANDE: donnez soit une commande à lancer (après --), soit --duration, "
            "pas les deux. Correction : écrivez « ecodigital measure -- COMMANDE ARGUMENTS » ou "
            "« ecodigital measure --duration 2h »",
        ),
        (
            ["--duration", "2 hours"],
            "Erreur : --duration: « 2 hours » n'est pas une durée entre 1 seconde et 366 jours. "
            "Correction : écrivez-la comme 2h, 90m, 1h30m ou 45s",
        ),
        (
            ["--interval", "0", "--", "true"],
            "Erreur : --interval: doit être entre 0,5 et 3\u202f600 secondes, reçu 0. "
            "Correction : donnez un intervalle en secondes, par exemple 15",
        ),
        (
            ["--pue", "0.9", "--", "true"],
            "Erreur : --pue: doit être entre 1 et 5, reçu 0,9. Correction : donnez le PUE de "
            "l'hébergeur, par exemple 1.5",
        ),
        (
            ["--label", "a/b", "--", "true"],
            "Erreur : --label: « a/b » n'est pas un nom utilisable. Correction : utilisez de 1 à "
            "80 lettres, chiffres, espaces, « . », « _ » ou « - », en commençant par une lettre "
            "ou un chiffre",
        ),
        (
            ["--tracking-mode", "process", "--duration", "1m"],
            "Erreur : --tracking-mode: le suivi par processus suit une commande ; avec "
            "--duration il n'y en a pas. Correction : utilisez --tracking-mode machine, ou "
            "donnez une commande",
        ),
        (
            ["--experiment-id", "nightly", "--", "true"],
            "Erreur : --experiment-id: « nightly » n'est pas un UUID. Correction : donnez un UUID "
            "(par exemple 6f1c0b6e-8d0e-4f51-9c53-2f3a1b2c4d5e), ou omettez l'option",
        ),
        (
            ["--", "no-such-command-xyz"],
            "Erreur : COMMANDE: « no-such-command-xyz » est introuvable ou n'est pas exécutable. "
            "Correction : vérifiez le nom, ou donnez son chemin complet",
        ),
    ],
)
def test_bad_input_is_one_line_before_anything_runs(tmp_path, args, message):
    out = tmp_path / "out"
    result = CliRunner(env={"ECODIGITAL_LANG": None}).invoke(
        cli, ["measure", "-o", str(out), *args]
    )
    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert not out.exists()


def test_bad_input_in_english(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["measure", "--lang", "en", "-o", str(out), "--country", "FR"])
    assert result.exit_code == 2
    assert result.output == (
        'Error: --country: "FR" is not an ISO 3166-1 alpha-3 country code (the 3-letter code, '
        "in capitals). Fix: write FRA (France)\n"
    )


def test_help_has_examples():
    for command in (["measure"], ["measurements", "summarize"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0
        assert "Exemples :" in result.output


def test_duration_parsing():
    from ecodigital.measure.run import parse_duration

    assert [parse_duration(t) for t in ("2h", "90m", "1h30m", "45s", "1d", "30")] == [
        7200.0, 5400.0, 5400.0, 45.0, 86400.0, 30.0,
    ]  # fmt: skip


# --------------------------------------------------------------------------- real runs


def test_the_network_guard_records_an_attempt(tmp_path):
    """The guard used below does see a connection attempt (so an empty log means none)."""
    code = (
        "import socket\n"
        "try: socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError: pass"
    )
    subprocess.run([PYTHON, "-c", code], env=_env(tmp_path), check=True)
    assert any("create_connection ('192.0.2.1', 80)" in line for line in _network_log(tmp_path))


@pytest.mark.slow
def test_a_real_command_is_measured_offline_and_its_exit_code_passed_through(tmp_path):
    command = [PYTHON, "-c", "import sys, time; time.sleep(2.5); sys.exit(7)"]
    result = subprocess.run(
        _measure(tmp_path, "--interval", "1", "--label", "test-job", "--", *command),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 7, result.stderr
    out = tmp_path / "out"
    runs = read_emissions_csv(out / "emissions.csv")
    [run] = runs.frame.to_dict(orient="records")
    assert run["project_name"] == "test-job"
    assert run["country"] == "FRA"
    assert 2.4 < run["duration_s"] < 10
    assert run["energy_kwh"] > 0
    assert run["experiment_id"] != "5b0fa12a-3dd7-45bb-9766-cc326314d9f1"  # CodeCarbon's default
    assert _csv_rows(out / "emissions.csv") >= 3  # flushed every second, then the final row
    [sidecar] = _sidecars(out)
    assert sidecar["run_id"] == run["run_id"]
    assert sidecar["experiment_id"] == run["experiment_id"]
    assert sidecar["status"] == "completed"
    assert sidecar["exit_code"] == 7
    assert sidecar["command"] == command
    assert sidecar["tracker"] == "OfflineEmissionsTracker"
    assert sidecar["tracking_mode"] == "machine"
    assert sidecar["country_iso_code"] == "FRA"
    assert sidecar["interval_s"] == 1.0
    assert sidecar["energy_kwh"] == pytest.approx(run["energy_kwh"])
    assert sidecar["cpu"]["method"] in {
        "rapl", "tdp-table", "default-per-thread", "generic-constant", "powermetrics",
    }  # fmt: skip
    assert sidecar["cpu"]["measured"] is (sidecar["quality"] == "measured")
    assert sidecar["ram"]["method"] in {"model", "rapl-dram"}
    assert sidecar["gpu"]["method"] in {"absent", "nvml", "amdsmi"}
    assert result.stderr.startswith(f"{out / 'emissions.csv'} : mesure {run['run_id'][:8]}, ")
    assert "code de sortie 7" in result.stderr
    log = _network_log(tmp_path)
    assert any("guard loaded" in line for line in log)  # the guard was active
    assert [line for line in log if "guard loaded" not in line] == []  # and saw no attempt


@pytest.mark.slow
def test_sigkill_loses_at_most_one_interval(tmp_path):
    # the command ends by itself once its parent (ecodigital) is gone
    orphan_exits = "import os, time\np = os.getppid()\nwhile os.getppid() == p: time.sleep(0.1)"
    process = subprocess.Popen(
        _measure(tmp_path, "--interval", "1", "--", PYTHON, "-c", orphan_exits),
        env=_env(tmp_path),
        stderr=subprocess.DEVNULL,
    )
    csv = tmp_path / "out" / "emissions.csv"
    _wait_for_rows(csv, 3)
    time.sleep(0.5)
    process.kill()
    process.wait(timeout=10)
    runs = read_emissions_csv(csv)
    [run] = runs.frame.to_dict(orient="records")
    assert run["duration_s"] >= 2.9  # three flushed rows, one a second
    [sidecar] = _sidecars(tmp_path / "out")
    assert sidecar["status"] == "running"  # never finished: the assessment warns about it


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_end_the_run_with_its_final_row(tmp_path, signum):
    process = subprocess.Popen(
        _measure(tmp_path, "--interval", "1", "--", PYTHON, "-c", "import time; time.sleep(60)"),
        env=_env(tmp_path),
        stderr=subprocess.PIPE,
        text=True,
    )
    csv = tmp_path / "out" / "emissions.csv"
    _wait_for_rows(csv, 2)
    flushed = _csv_rows(csv)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 128 + signum  # the command died of the signal passed on
    assert _csv_rows(csv) == flushed + 1  # the final row
    [sidecar] = _sidecars(tmp_path / "out")
    assert sidecar["status"] == "interrupted"
    assert sidecar["signal"] == signal.Signals(signum).name
    [run] = read_emissions_csv(csv).frame.to_dict(orient="records")
    assert sidecar["energy_kwh"] == pytest.approx(run["energy_kwh"])
    assert f"arrêtée par {signal.Signals(signum).name}" in stderr


@pytest.mark.slow
def test_duration_watches_the_machine(tmp_path):
    result = subprocess.run(
        _measure(tmp_path, "--duration", "3s", "--interval", "1", "--label", "web-frontend"),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [run] = read_emissions_csv(tmp_path / "out" / "emissions.csv").frame.to_dict(orient="records")
    assert 2.9 < run["duration_s"] < 6
    [sidecar] = _sidecars(tmp_path / "out")
    assert sidecar["command"] is None
    assert sidecar["duration_requested_s"] == 3.0
    assert sidecar["status"] == "completed"
    assert "[" not in result.stderr  # no progress bar when stderr is not a terminal
    assert [line for line in _network_log(tmp_path) if "guard loaded" not in line] == []


def test_the_cli_does_not_import_codecarbon_or_pandas_until_a_command_needs_them():
    code = "import sys, ecodigital.cli; print(sorted({'codecarbon', 'pandas'} & set(sys.modules)))"
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"
