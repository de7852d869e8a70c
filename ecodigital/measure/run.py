"""Run a command, or watch the whole machine for a while, under CodeCarbon's offline tracker.

What this module guards against (see docs/measure.md):

* only ``OfflineEmissionsTracker`` is used, with a country code checked against
  CodeCarbon's own data first: the online tracker geolocates and, offline,
  silently falls back to Canada; an unknown code silently becomes the world mix;
* every run gets CodeCarbon's fresh ``run_id`` and an experiment id of our own
  (CodeCarbon's default experiment id is one fixed UUID shared by everyone);
* CodeCarbon writes nothing until ``stop()`` or ``flush()``: the tracker is
  flushed every interval, so a run killed with SIGKILL loses at most one interval.
  In CodeCarbon's ``append`` mode each flush appends a cumulative row of the run;
  the last row of a run is its total (``read.py`` keeps it);
* SIGINT, SIGTERM and SIGHUP are passed on to the command, whose end stops the
  tracker normally, so the final row is written; the command's exit code is ours.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, Final

from ecodigital import __version__
from ecodigital.errors import InputError, MeasureError
from ecodigital.i18n import Msg, catalogue
from ecodigital.measure.sidecar import describe_hardware, quality_of, sidecar_path, write_sidecar

__all__ = [
    "CSV_NAME",
    "MeasureOptions",
    "MeasureOutcome",
    "check_country",
    "measure",
    "parse_duration",
]

CSV_NAME: Final = "emissions.csv"
DEFAULT_INTERVAL_S: Final = 15.0
MIN_INTERVAL_S: Final = 0.5
MAX_INTERVAL_S: Final = 3600.0
MAX_DURATION_S: Final = 366 * 24 * 3600.0
#: Namespace of the experiment ids derived from a label (uuid5), so that repeated
#: runs with one label share an experiment id and nobody shares CodeCarbon's default.
EXPERIMENT_NAMESPACE: Final = uuid.UUID("6f1d2c8e-3b7a-5e4f-9a0b-ecd161a10000")
FORWARDED_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_LABEL_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,79}$")


@dataclass(frozen=True)
class MeasureOptions:
    """What to measure and how. Either ``command`` or ``duration_s``."""

    country: str
    output_dir: Path
    command: tuple[str, ...] = ()
    duration_s: float | None = None
    interval_s: float = DEFAULT_INTERVAL_S
    pue: float | None = None
    label: str = "ecodigital"
    tracking_mode: str = "machine"
    experiment_id: str | None = None


@dataclass
class MeasureOutcome:
    """How a run ended and where its figures are."""

    exit_code: int
    csv_path: Path
    sidecar_path: Path
    run_id: str
    status: str
    duration_s: float
    energy_kwh: float | None
    emissions_kgco2e: float | None
    sidecar: dict[str, Any] = field(default_factory=dict)


def check_country(code: str) -> str:
    """The ISO alpha-3 code if CodeCarbon can price it; an :class:`InputError` otherwise."""
    from ecodigital.countries import country_problem
    from ecodigital.factors.grid import known_countries

    # CodeCarbon would silently use the world average for a code it does not know
    problem = country_problem(code, known_countries())
    if problem is not None:
        raise InputError(None, "--country", *problem)
    return code


_DURATION_PART: Final = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_SECONDS: Final = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> float:
    """Seconds in ``2h``, ``90m``, ``1h30m``, ``45s`` or a plain number of seconds.

    >>> parse_duration("1h30m")
    5400.0
    """
    value = text.strip().lower()
    seconds: float | None = None
    try:
        seconds = float(value)
    except ValueError:
        parts = _DURATION_PART.findall(value)
        if parts and "".join(n + u for n, u in parts) == value:
            seconds = sum(float(n) * _SECONDS[u] for n, u in parts)
    if seconds is None or not 0 < seconds <= MAX_DURATION_S:
        raise InputError(
            None,
            "--duration",
            Msg("measure.input.duration", {"value": text}),
            Msg("measure.input.duration_fix"),
        )
    return seconds


def _check_options(options: MeasureOptions) -> None:
    check_country(options.country)
    if bool(options.command) == (options.duration_s is not None):
        raise InputError(
            None,
            Msg("cli.metavar.COMMAND"),
            Msg("measure.input.both" if options.command else "measure.input.nothing"),
            Msg("measure.input.what_fix"),
        )
    if not MIN_INTERVAL_S <= options.interval_s <= MAX_INTERVAL_S:
        raise InputError(
            None,
            "--interval",
            Msg(
                "measure.input.between_seconds",
                {"low": MIN_INTERVAL_S, "high": MAX_INTERVAL_S, "value": options.interval_s},
            ),
            Msg("measure.input.interval_fix"),
        )
    if options.pue is not None and not 1.0 <= options.pue <= 5.0:
        raise InputError(
            None,
            "--pue",
            Msg("measure.input.between", {"low": 1.0, "high": 5.0, "value": options.pue}),
            Msg("measure.input.pue_fix"),
        )
    if not _LABEL_PATTERN.match(options.label):
        raise InputError(
            None,
            "--label",
            Msg("measure.input.label", {"value": options.label}),
            Msg("measure.input.label_fix"),
        )
    if options.tracking_mode not in ("machine", "process"):
        raise InputError(
            None,
            "--tracking-mode",
            Msg("dossier.not_allowed", {"value": options.tracking_mode, "suggestion": ""}),
            Msg("dossier.choices_fix", {"choices": ["machine", "process"]}),
        )
    if options.duration_s is not None and options.tracking_mode == "process":
        raise InputError(
            None,
            "--tracking-mode",
            Msg("measure.input.process_duration"),
            Msg("measure.input.process_duration_fix"),
        )
    if options.experiment_id is not None:
        try:
            uuid.UUID(options.experiment_id)
        except ValueError:
            raise InputError(
                None,
                "--experiment-id",
                Msg("measure.input.uuid", {"value": options.experiment_id}),
                Msg("measure.input.uuid_fix"),
            ) from None
    if options.command and shutil.which(options.command[0]) is None:
        raise InputError(
            None,
            Msg("cli.metavar.COMMAND"),
            Msg("measure.input.not_found", {"value": options.command[0]}),
            Msg("measure.input.not_found_fix"),
        )
    if options.output_dir.exists() and not options.output_dir.is_dir():
        raise InputError(
            str(options.output_dir),
            None,
            Msg("measure.input.is_file"),
            Msg("measure.input.folder_fix"),
        )


def experiment_id_for(label: str) -> str:
    """The experiment id of runs labelled ``label`` (stable, never CodeCarbon's default)."""
    return str(uuid.uuid5(EXPERIMENT_NAMESPACE, label))


def _quiet_codecarbon() -> None:
    # CodeCarbon logs its set-up at INFO on stderr, mixed with the command's own
    # output; what matters goes to the sidecar and to our one-line summary.
    # Importing CodeCarbon sets its logger's level: set ours after it.
    import codecarbon  # noqa: F401

    level = logging.DEBUG if os.environ.get("ECODIGITAL_DEBUG") else logging.ERROR
    logging.getLogger("codecarbon").setLevel(level)


def _make_tracker(options: MeasureOptions, experiment_id: str) -> Any:
    import warnings

    from codecarbon import OfflineEmissionsTracker

    kwargs: dict[str, Any] = {
        "country_iso_code": options.country,
        "project_name": options.label,
        "experiment_id": experiment_id,
        "measure_power_secs": options.interval_s,
        "output_dir": str(options.output_dir),
        "output_file": CSV_NAME,
        "on_csv_write": "append",
        "tracking_mode": options.tracking_mode,
        "pue": options.pue if options.pue is not None else 1.0,
        "api_call_interval": -1,
        "allow_multiple_runs": True,
        "log_level": "debug" if os.environ.get("ECODIGITAL_DEBUG") else "error",
    }
    try:
        from codecarbon.output_methods.base_output import OutputMethod

        kwargs["output_methods"] = [OutputMethod.CSV]
    except ImportError:  # CodeCarbon 2.x
        kwargs["save_to_file"] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return OfflineEmissionsTracker(**kwargs)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _codecarbon_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("codecarbon")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


class _Signals:
    """Records SIGINT/SIGTERM/SIGHUP and passes them on to the command's process group."""

    def __init__(self) -> None:
        self.received: list[int] = []
        self.child: subprocess.Popen[bytes] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        for signum in FORWARDED_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)
        child = self.child
        if child is not None and child.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(child.pid, signum)


def measure(
    options: MeasureOptions,
    *,
    progress: Callable[[float, float, float | None], None] | None = None,
) -> MeasureOutcome:
    """Measure ``options.command`` (or the machine for ``options.duration_s``).

    ``progress(elapsed_s, total_s, energy_kwh)`` is called about once a second
    in ``--duration`` mode. Returns how the run ended; the command's exit code
    (128 + N when a signal N ended it) is ``exit_code``.
    """
    _check_options(options)
    options.output_dir.mkdir(parents=True, exist_ok=True)
    _quiet_codecarbon()
    experiment_id = options.experiment_id or experiment_id_for(options.label)
    tracker = _make_tracker(options, experiment_id)
    run_id = str(tracker.run_id)
    csv_path = options.output_dir / CSV_NAME
    side_path = sidecar_path(csv_path, run_id)

    with _Signals() as signals:
        tracker.start()  # CodeCarbon catches and logs its own errors: check it started
        started_at = _now()
        started = time.monotonic()
        if getattr(tracker, "_start_time", None) is None:
            raise MeasureError(Msg("measure.error.not_started"))
        sidecar: dict[str, Any] = {
            "format": "ecodigital-measure/1",
            "run_id": run_id,
            "experiment_id": experiment_id,
            "label": options.label,
            "csv": CSV_NAME,
            "status": "running",
            "command": list(options.command) or None,
            "duration_requested_s": options.duration_s,
            "started_at": started_at,
            "ended_at": None,
            "duration_s": None,
            "exit_code": None,
            "signal": None,
            "country_iso_code": options.country,
            "pue": options.pue if options.pue is not None else 1.0,
            "pue_included": options.pue is not None,
            "interval_s": options.interval_s,
            "tracking_mode": options.tracking_mode,
            "tracker": "OfflineEmissionsTracker",
            "codecarbon_version": _codecarbon_version(),
            "ecodigital_version": __version__,
            "rows": "cumulative: a row is appended every interval; a run's total is its last row",
            **describe_hardware(tracker),
        }
        sidecar["quality"] = quality_of(sidecar)
        write_sidecar(side_path, sidecar)
        exit_code = 0
        status = "completed"
        try:
            if options.command:
                exit_code = _run_command(options, tracker, signals)
            else:
                _watch(options, tracker, signals, progress)
            if signals.received:
                status = "interrupted"
                if not options.command:
                    exit_code = 128 + signals.received[0]
        finally:
            tracker.stop()
            duration_s = time.monotonic() - started
            final = getattr(tracker, "final_emissions_data", None)
            sidecar.update(
                status=status if final is not None else "failed",
                ended_at=_now(),
                duration_s=round(duration_s, 3),
                exit_code=exit_code,
                signal=signal.Signals(signals.received[0]).name if signals.received else None,
                energy_kwh=getattr(final, "energy_consumed", None),
                codecarbon_emissions_kgco2e=getattr(final, "emissions", None),
            )
            write_sidecar(side_path, sidecar)
    if final is None or not csv_path.exists():
        raise MeasureError(Msg("measure.error.not_written", {"path": str(csv_path)}))
    return MeasureOutcome(
        exit_code=exit_code,
        csv_path=csv_path,
        sidecar_path=side_path,
        run_id=run_id,
        status=status,
        duration_s=duration_s,
        energy_kwh=sidecar["energy_kwh"],
        emissions_kgco2e=sidecar["codecarbon_emissions_kgco2e"],
        sidecar=sidecar,
    )


def _run_command(options: MeasureOptions, tracker: Any, signals: _Signals) -> int:
    """Run the command in its own process group, flushing every interval, until it ends."""
    if signals.received:  # stopped while the tracker was starting: do not start the command
        return 128 + signals.received[0]
    try:
        # Its own process group: a terminal's Ctrl-C reaches ecodigital only, which
        # passes it on once to the whole command tree (no double delivery).
        child = subprocess.Popen(list(options.command), process_group=0)
    except OSError as exc:
        raise InputError(
            None,
            Msg("cli.metavar.COMMAND"),
            Msg("measure.input.cannot_run", {"value": options.command[0], "reason": exc.strerror}),
            Msg("measure.input.not_found_fix"),
        ) from None
    signals.child = child
    if signals.received:  # a signal arrived while the command was starting
        os.killpg(child.pid, signals.received[0])
    next_flush = time.monotonic() + options.interval_s
    while True:
        try:
            returncode = child.wait(timeout=max(next_flush - time.monotonic(), 0.0))
            break
        except subprocess.TimeoutExpired:
            tracker.flush()
            next_flush = max(next_flush + options.interval_s, time.monotonic() + 0.1)
    return returncode if returncode >= 0 else 128 - returncode


def _watch(
    options: MeasureOptions,
    tracker: Any,
    signals: _Signals,
    progress: Callable[[float, float, float | None], None] | None,
) -> None:
    """Watch the machine until the duration is over or a signal arrives."""
    assert options.duration_s is not None
    start = time.monotonic()
    deadline = start + options.duration_s
    next_flush = start + options.interval_s
    while not signals.received:
        now = time.monotonic()
        if now >= deadline:
            break
        if now >= next_flush:
            tracker.flush()
            next_flush = max(next_flush + options.interval_s, now + 0.1)
        if progress is not None:
            total = getattr(tracker, "_total_energy", None)
            progress(now - start, options.duration_s, getattr(total, "kWh", None))
        time.sleep(max(min(deadline, next_flush, now + 0.5) - time.monotonic(), 0.0))


def format_progress(
    elapsed_s: float, total_s: float, energy_kwh: float | None, lang: str = "fr"
) -> str:
    """One line of progress: bar, elapsed and total time, energy so far."""
    from ecodigital.i18n.format import format_quantity

    share = min(elapsed_s / total_s, 1.0) if total_s else 1.0
    width = 24
    filled = int(share * width)
    energy = f"  {format_quantity(energy_kwh, 'kWh', lang)}" if energy_kwh is not None else ""
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {share * 100:3.0f} %  "
        f"{_clock(elapsed_s)} / {_clock(total_s)}{energy}"
    )


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def describe_outcome(outcome: MeasureOutcome, lang: str = "fr") -> str:
    """The one-line summary ``ecodigital measure`` prints on stderr."""
    from ecodigital.i18n import label, text
    from ecodigital.i18n.format import format_quantity

    cpu = outcome.sidecar.get("cpu", {})
    energy = (
        format_quantity(outcome.energy_kwh, "kWh", lang)
        if outcome.energy_kwh is not None
        else text("label.unknown", lang)
    )
    quality = (
        "measured" if outcome.sidecar.get("quality") == "measured" else "estimated-by-codecarbon"
    )
    signal_name = outcome.sidecar.get("signal")
    ended = text("measure.outcome.ended_by", lang, signal=signal_name) if signal_name else ""
    return text(
        "measure.outcome.line",
        lang,
        path=str(outcome.csv_path),
        run=outcome.run_id[:8],
        duration=_clock(outcome.duration_s),
        energy=energy,
        quality=label(quality, lang),
        cpu=text(f"measure.cpu_method.{cpu.get('method', 'unknown')}", lang)
        if f"measure.cpu_method.{cpu.get('method', 'unknown')}" in catalogue(lang)
        else str(cpu.get("description", "")),
        ended=ended,
        code=outcome.exit_code,
        sidecar=outcome.sidecar_path.name,
    )


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def command_text(command: Sequence[str]) -> str:
    import shlex

    return shlex.join(command)
