"""CPU and memory of process trees, from /proc.

CPU of a tree: utime + stime + cutime + cstime of every live process in it. A process's stat
already includes all its threads; adding the children fields keeps the time of a child that
exits (and is reaped by a tree member) during a measurement, so a delta of two samples is the
tree's CPU over the interval even when short-lived helpers come and go.
"""
import os
import resource
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (field 3 onwards), or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return data[data.rindex(")") + 2:].split()


def _all_parents():
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            parents[int(entry)] = int(fields[1])
    return parents


def tree(root):
    """The PIDs of `root` and all its live descendants."""
    parents = _all_parents()
    children = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in parents or pid == root:
            found.append(pid)
            todo.extend(children.get(pid, []))
    return [pid for pid in found if pid in parents]


def tree_cpu_seconds(root):
    """User + system CPU seconds of the tree (see the module doc)."""
    ticks = 0
    for pid in tree(root):
        fields = _stat_fields(pid)
        if fields is not None:
            # After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
            ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / CLOCK_TICKS


def system_busy_seconds():
    """CPU seconds spent not idle, all CPUs, since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def children_cpu_seconds():
    """CPU seconds of this process's reaped children (the load generators)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_pss_kib(root):
    """Proportional set size of the tree, KiB (/proc/PID/smaps_rollup)."""
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


class Sample:
    """A snapshot of the target tree's CPU, the benchmark's fixtures' (backend, OCSP responder),
    the reaped children's (load generators) and the whole machine's."""

    def __init__(self, root, fixtures=()):
        self.wall = time.monotonic()
        self.target = tree_cpu_seconds(root)
        self.fixtures = sum(tree_cpu_seconds(pid) for pid in fixtures)
        self.busy = system_busy_seconds()
        self.client = children_cpu_seconds()
        with open("/proc/loadavg") as f:
            self.load = float(f.read().split()[0])

    def delta(self, before):
        """Target, load generator, fixtures, and everybody else (other tenants of the machine),
        over [before, self]."""
        wall = self.wall - before.wall
        target = self.target - before.target
        client = self.client - before.client
        fixtures = self.fixtures - before.fixtures
        others = max(0.0, (self.busy - before.busy) - target - client - fixtures)
        return {
            "wall_s": wall,
            "target_cpu_s": target,
            "client_cpu_s": client,
            "backend_cpu_s": fixtures,
            "others_cpu_s": others,
            "others_cores": others / wall if wall > 0 else 0.0,
            "loadavg": self.load,
        }
