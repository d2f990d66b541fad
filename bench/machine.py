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


class CpuUse:
    """CPU seconds spent while a block runs, split three ways: this process (the load generator), the given
    processes (Siaga's workers), and the rest of the machine (PostgreSQL, and any other work, which the load
    average shows). Linux only (/proc); elsewhere every figure is None.

        with CpuUse(worker_pids) as cpu:
            ...
        cpu.per_event_ms(events)  # {"load_generator": 0.17, "workers": 1.5, "rest": 0.8, "total": 2.5}
    """

    def __init__(self, pids=()):
        self.pids, self.seconds = list(pids), None

    def __enter__(self):
        self._start = self._now()
        return self

    def __exit__(self, *exc):
        end = self._now()
        if self._start and end:
            mine, workers, machine_busy = (b - a for a, b in zip(self._start, end))
            self.seconds = {"load_generator": mine, "workers": workers, "rest": machine_busy - mine - workers}

    def per_event_ms(self, events: int) -> dict | None:
        if not self.seconds:
            return None
        split = {k: round(v * 1000 / events, 3) for k, v in self.seconds.items() if k != "workers" or self.pids}
        split["total"] = round(sum(self.seconds.values()) * 1000 / events, 3)
        return split

    def _now(self):
        try:
            tick = os.sysconf("SC_CLK_TCK")
            with open("/proc/stat") as fh:
                fields = [int(x) for x in fh.readline().split()[1:]]
            busy = (sum(fields) - fields[3] - fields[4]) / tick  # all but idle and iowait
            workers = 0
            for pid in self.pids:
                with open(f"/proc/{pid}/stat") as fh:
                    stat = fh.read().rsplit(")", 1)[1].split()
                workers += (int(stat[11]) + int(stat[12])) / tick  # utime, stime
            own = os.times()
            return own.user + own.system, workers, busy
        except (OSError, ValueError):
            return None
