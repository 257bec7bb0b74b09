"""What a hostile programme file costs the server: time and memory of reading and validating it.

Builds the hostile files of ``territorial/harness/hostile_files.py`` (zip bomb XLSX, millions
of cells, 10,000 columns, 200,000 rows, a 1 MB cell, thousands of problems…) and the largest
valid files, then reads and validates each one (``load_programme_file``, what the import of the
Données page does; for a valid file, also the comparison with the demo programme that the page
shows) in a child process of its own. The parent samples the child's memory (psutil, every
5 ms) from the moment the child, reference loaded and file in memory, starts reading.

Budget, for any file under the upload limit (5 MB): accepted or refused within 10 s, and at
most 300 MB above the idle process. Exit status 0 only when every file is within budget.

Usage: python bench/hostile_files.py [--only NAME] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil

from territorial.harness import hostile_files as hostile
from territorial.model.file_reading import MAX_BYTES, MAX_COLUMNS, MAX_ROWS

BUDGET_S = 10.0
BUDGET_MB = 300.0
SAMPLE_S = 0.005
CHILD_TIMEOUT_S = 300.0


def _reference_codes() -> list[str]:
    from territorial.model.reference import load_reference

    return list(load_reference().communes.index)


def _largest_valid(codes: list[str]) -> bytes:
    return hostile.csv_text(hostile.max_valid_rows(MAX_ROWS, MAX_COLUMNS - 11, codes))


def _largest_valid_xlsx(codes: list[str]) -> bytes:
    """The export (XLSX) of the largest valid programme: what an export -> import costs."""
    from territorial.model.definition import load_definition
    from territorial.model.programme import resolve
    from territorial.model.programme_file import load_programme_file
    from territorial.model.reference import load_reference
    from territorial.takeaways import exports

    reference, definition = load_reference(), load_definition()
    table = load_programme_file(_largest_valid(codes), filename="max.csv", definition=definition, reference=reference)
    return exports.to_xlsx(resolve(table, reference=reference, definition=definition))


def _five_megabytes_of_notes(codes: list[str]) -> bytes:
    """As many bytes as the upload allows, every row valid: 5,000 territories with 1 KB notes."""
    note = "x" * ((MAX_BYTES - 200_000) // MAX_ROWS)
    return hostile.csv_text(
        [[*hostile.HEADER, "notes"], *[[code, "commune", "1", "0", "2", "3", note] for code in codes[:MAX_ROWS]]]
    )


#: name -> (file name, builder, what it is)
FILES: dict[str, tuple[str, Callable[[list[str]], bytes], str]] = {
    "zip_bomb": ("bomb.xlsx", lambda _c: hostile.zip_bomb_xlsx(), "XLSX, a part of 600 MB (about 1,000:1)"),
    "many_cells": ("cells.xlsx", lambda _c: hostile.many_cells_xlsx(), "XLSX, 3,000,000 tiny cells"),
    "dense_cells": ("dense.xlsx", lambda _c: hostile.dense_cells_xlsx(), "XLSX, 450,000 random numbers"),
    "wide_row": ("row.xlsx", lambda _c: hostile.one_wide_row_xlsx(), "XLSX, one row of 300,000 cells"),
    "far_row": ("far.xlsx", lambda _c: hostile.far_row_xlsx(), "XLSX, row 999,999,999,999"),
    "entities": ("lol.xlsx", lambda _c: hostile.billion_laughs_xlsx(), "XLSX, nested XML entities"),
    "columns": ("wide.csv", lambda _c: hostile.wide_csv(), "CSV, 10,000 columns"),
    "rows": ("long.csv", lambda _c: hostile.long_csv(), "CSV, 200,000 rows"),
    "big_cell": ("cell.csv", lambda _c: hostile.big_cell_csv(), "CSV, a 1 MB cell"),
    "problems": ("problems.csv", lambda _c: hostile.many_problems_csv(), "CSV, 4,999 rows x 5 problems"),
    "blank_lines": ("blank.csv", lambda _c: hostile.blank_lines_csv(), "CSV, 5 MB of empty lines"),
    "control": ("nul.csv", lambda _c: hostile.control_after_4kb_csv(), "CSV, NUL after 4 KB"),
    "members": ("members.csv", lambda c: hostile.many_members_csv(c), "CSV valid, groupements of 5,000 members"),
    "bad_members": (
        "unknown.csv",
        lambda c: hostile.many_members_csv(c, known=False),
        "CSV, 800,000 unknown member codes",
    ),
    "largest_csv": ("max.csv", _largest_valid, f"CSV valid, {MAX_ROWS:,} rows x {MAX_COLUMNS} columns"),
    "largest_xlsx": ("max.xlsx", _largest_valid_xlsx, "XLSX valid, its export (2 sheets)"),
    "five_mb": ("notes.csv", _five_megabytes_of_notes, f"CSV valid, {MAX_ROWS:,} rows, 5 MB of notes"),
}


# --------------------------------------------------------------------------- child


def _child(path: str) -> None:
    """Load the reference, read the file into memory, say « ready », wait, then read and validate it."""
    from territorial.editing.merge import diff_tables
    from territorial.model.definition import load_definition
    from territorial.model.problems import ProgrammeFileError
    from territorial.model.programme_file import load_programme_file
    from territorial.model.reference import load_reference

    reference, definition = load_reference(), load_definition()
    demo_file = Path(__file__).resolve().parent.parent / "data" / "demo_programme.csv"
    demo = load_programme_file(
        demo_file.read_bytes(), filename=demo_file.name, definition=definition, reference=reference
    )
    data = Path(path).read_bytes()
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    result: dict = {}
    try:
        table = load_programme_file(data, filename=Path(path).name, definition=definition, reference=reference)
    except ProgrammeFileError as exc:
        result.update(outcome="refusé", problems=exc.total, message=str(exc.problems[0]) if exc.problems else "")
    else:
        result.update(outcome="accepté", territories=len(table.territories), message="")
        read = time.perf_counter() - started
        diff_started = time.perf_counter()
        changes = diff_tables(demo, table)
        result.update(read_s=read, diff_s=time.perf_counter() - diff_started, changes=len(changes))
    result["seconds"] = time.perf_counter() - started
    print(json.dumps(result), flush=True)


# --------------------------------------------------------------------------- parent


def measure(path: Path) -> dict:
    """Run the child on ``path``; time and peak memory above its idle memory."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the child did not start")
        watched = psutil.Process(process.pid)
        idle = watched.memory_info().rss
        peak = idle
        process.stdin.write("go\n")
        process.stdin.flush()
        started = time.perf_counter()
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
        reader.start()
        while reader.is_alive():
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.NoSuchProcess:
                break
            if time.perf_counter() - started > CHILD_TIMEOUT_S:
                process.kill()
                return {
                    "outcome": "DÉLAI DÉPASSÉ",
                    "seconds": CHILD_TIMEOUT_S,
                    "peak_mb": (peak - idle) / 2**20,
                    "message": "",
                }
            time.sleep(SAMPLE_S)
        result = (
            json.loads(lines[0]) if lines and lines[0].strip() else {"outcome": "PLANTÉ", "seconds": 0.0, "message": ""}
        )
        result.update(idle_mb=idle / 2**20, peak_mb=(peak - idle) / 2**20)
        return result
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=list(FILES), help="measure this file only (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0
    codes = _reference_codes()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        for name in args.only or list(FILES):
            file_name, build, what = FILES[name]
            path = Path(folder) / file_name
            path.write_bytes(build(codes))
            size = path.stat().st_size
            assert size <= MAX_BYTES, f"{name}: {size} bytes, over the upload limit"
            result = measure(path)
            ok = (
                result["seconds"] <= BUDGET_S
                and result["peak_mb"] <= BUDGET_MB
                and result["outcome"] in ("accepté", "refusé")
            )
            rows.append({"name": name, "what": what, "size_kb": size / 1024, **result, "ok": ok})
            path.unlink()
    print(
        f"Budget per file: {BUDGET_S:.0f} s and {BUDGET_MB:.0f} MB above the idle process "
        f"(idle: about {rows[0].get('idle_mb', 0):.0f} MB, reference geography loaded).\n"
    )
    header = f"{'file':<13} {'what':<38} {'size':>8} {'outcome':<8} {'time':>7} {'peak':>8} {'':<7} first problem"
    print(header)
    print("-" * len(header))
    for row in rows:
        message = row.get("message", "")
        if row["outcome"] == "accepté":
            message = (
                f"{row['territories']:,} territories; read {row['read_s']:.2f} s, diff with the demo "
                f"{row['diff_s']:.2f} s ({row['changes']:,} rows)"
            )
        elif row.get("problems", 0) > 1:
            message = f"[{row['problems']:,} problems] {message}"
        print(
            f"{row['name']:<13} {row['what']:<38} {row['size_kb']:>6.0f} KB {row['outcome']:<8} "
            f"{row['seconds']:>5.2f} s {row['peak_mb']:>5.0f} MB {'OK' if row['ok'] else 'DEPASSE':<7} "
            f"{message[:110]}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
