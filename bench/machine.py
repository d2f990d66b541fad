"""The machine a benchmark ran on, printed beside every figure."""

import os
import platform


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages; other work on a shared machine distorts every figure."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory_gib = None
    try:
        memory_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_gib": memory_gib, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "load_average": load_average()}


def describe() -> str:
    m = machine()
    load = " ".join(f"{x:.2f}" for x in m["load_average"]) if m["load_average"] else "unknown"
    return (f"{m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, {m['system']}, "
            f"load average {load}")
