"""Peak RSS of the app process during tus uploads of 256 MiB and 1 GiB to disk.

Idle is the RSS once warm: after a 2 MiB upload has loaded every module the upload path
uses (PyAV included) and a 64 MiB one has brought the allocator to its working state
(its arenas keep ~15 MiB after a first large upload; any later upload starts from there).
Each size is uploaded `--repeats` times, interleaved, and the highest peak is reported.
The peak is read two ways: VmRSS sampled every 20 ms, and VmHWM reset through
/proc/<pid>/clear_refs before each upload; the larger counts.

    python -m bench.upload_memory [--sizes-mib 256 1024] [--repeats 2]
"""

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import (
    MIB,
    Tandem,
    make_media,
    recording_of_upload,
    run_note,
    table,
    tandem,
    tus_upload,
    wait_processed,
)
from bench.proc import PeakRss, status_kib

BUDGET_MIB = 64
# Peaks of two uploads of one size differ by a few MiB (when the GC and the allocator run).
GROWTH_TOLERANCE_MIB = 8
MODES = [("one PATCH", None), ("32 MiB PATCHes (PWA)", 32 * MIB)]


def upload_peaks(app: Tandem, source: Path, patch_bytes: int | None) -> tuple[int, int]:
    """Peak RSS (KiB) until the last PATCH answers, and until processing has finished."""
    with app.client() as client, PeakRss(app.server.pid) as peak:
        url = tus_upload(app, client, source, patch_bytes)
        during_upload = peak.read()
        recording = wait_processed(client, recording_of_upload(client, url))
    if recording["status"] != "ready":
        raise RuntimeError(f"unexpected recording after upload: {recording}")
    app.discard_media()
    return during_upload, peak.peak_kib


def settle(app: Tandem) -> int:
    time.sleep(1.0)
    return status_kib(app.server.pid, "VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes-mib", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--repeats", type=int, default=2)
    options = parser.parse_args()
    found: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as temporary:
        work = Path(temporary)
        sources = {size: make_media(work / f"{size}.mp4", size * MIB) for size in options.sizes_mib}
        with tandem(work / "app") as app:
            started = status_kib(app.server.pid, "VmRSS")
            upload_peaks(app, make_media(work / "cold.mp4", 2 * MIB), None)
            cold = settle(app)
            upload_peaks(app, make_media(work / "warm.mp4", 64 * MIB), None)
            idle = settle(app)
            for repeat in range(1, options.repeats + 1):
                for label, patch_bytes in MODES:
                    for size, source in sources.items():
                        during, overall = upload_peaks(app, source, patch_bytes)
                        found.setdefault((label, size), []).append((during, overall, settle(app)))
                        print(f"  run {repeat}: {size} MiB, {label}: peak {during / 1024:.1f} MiB")
    print(
        f"\nApp process RSS (MiB): at start {started / 1024:.0f}, after a 2 MiB upload "
        f"{cold / 1024:.0f}, idle (after a 64 MiB upload) {idle / 1024:.0f}"
    )
    rows = [_row(f"{size} MiB, {label}", idle, runs) for (label, size), runs in found.items()]
    header = ["upload", "peak (upload)", "over idle", "peak (+processing)", "over idle", "after"]
    print(table(header, rows))
    print(f"\nTarget: peak <= idle + {BUDGET_MIB} MiB, no growth with file size")
    smallest, largest = min(options.sizes_mib), max(options.sizes_mib)
    for label, _ in MODES:
        peaks = {size: max(run[0] for run in found[(label, size)]) for size in options.sizes_mib}
        worst = (max(peaks.values()) - idle) / 1024
        growth = (peaks[largest] - peaks[smallest]) / 1024
        verdict = "met" if worst <= BUDGET_MIB and growth <= GROWTH_TOLERANCE_MIB else "MISSED"
        print(
            f"  {label:<20} worst {worst:+.1f} MiB over idle "
            f"({(max(peaks.values()) - cold) / 1024:+.1f} over the cold idle), "
            f"{smallest}->{largest} MiB growth {growth:+.1f} MiB ({verdict})"
        )
    print(run_note())


def _row(label: str, idle: int, runs: list[tuple[int, int, int]]) -> list[str]:
    during, overall = max(run[0] for run in runs), max(run[1] for run in runs)
    return [
        label,
        f"{during / 1024:.1f}",
        f"{(during - idle) / 1024:+.1f}",
        f"{overall / 1024:.1f}",
        f"{(overall - idle) / 1024:+.1f}",
        f"{max(run[2] for run in runs) / 1024:.1f}",
    ]


if __name__ == "__main__":
    main()
