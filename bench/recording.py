"""What every benchmark writes beside its numbers: the machine, the commit measured, and its part of RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
ORDER = ("### SQLite", "### PostgreSQL", "### PostgreSQL, 2 processes")  # the subsections of a section, in this order (others after them)


def machine() -> str:
    """CPU model, logical CPUs (and how many this process may use), memory, OS and Python."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else cpu
        m = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
        memory = f", {int(m.group(1)) / 2**20:.1f} GiB RAM" if m else ""
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cpu}, {os.cpu_count()} logical CPUs ({usable} usable){memory}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def revision(*paths: str) -> str:
    """The commit measured, and which of `paths` (folders or files) differ from it in the working tree."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    # porcelain lines are "XY path": the status is two columns wide, often starting with a space
    dirty = sorted({line[3:].split("/")[0] + ("/" if "/" in line[3:] else "")
                    for line in git("status", "--porcelain", "--", *paths).splitlines()})
    return f"commit {head}" + (f" (with uncommitted changes in {', '.join(dirty)})" if dirty else "")


def write_section(name: str, text: str) -> None:
    """Replace the whole "## name" section of RESULTS.md with `text` (added at the end if missing)."""
    results = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    m = pattern.search(results)
    if m is None:
        results = results.rstrip("\n") + "\n\n" + text
    else:
        rest = results[m.end():]
        results = results[:m.start()] + text.rstrip("\n") + "\n" + ("\n" if rest else "") + rest
    RESULTS.write_text(results.rstrip("\n") + "\n", encoding="utf-8")


def write_subsection(name: str, intro: str, sub: str) -> None:
    """Replace one database's "### ..." part of the "## name" section (the intro written anew, the other
    databases' parts kept), SQLite before PostgreSQL."""
    results = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    m = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE).search(results)
    parts: dict[str, str] = {}
    if m is not None:
        for other in re.finditer(r"^### .*?(?=^### |\Z)", m.group(0), re.DOTALL | re.MULTILINE):
            parts[other.group(0).split("\n", 1)[0]] = other.group(0).rstrip("\n") + "\n"
    parts[sub.split("\n", 1)[0]] = sub.rstrip("\n") + "\n"
    titles = [t for t in ORDER if t in parts] + [t for t in parts if t not in ORDER]
    write_section(name, intro + "\n".join(parts[t] for t in titles))
