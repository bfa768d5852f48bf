"""Medians over rounds, ratios to the best peer of the same group, the issue's targets, and the
Markdown tables (printed, saved with the results, optionally spliced into docs/performance.md)."""
import statistics

GROUPS = {"tcp": ["stapled-tcp", "hitch", "haproxy-tcp"], "http": ["stapled-http", "nginx", "haproxy-http"]}
LABELS = {"stapled-tcp": "stapled (tcp)", "hitch": "hitch (tcp)", "haproxy-tcp": "HAProxy (tcp)",
          "stapled-http": "stapled (http)", "nginx": "nginx (http)", "haproxy-http": "HAProxy (http)"}
STAPLED = {"tcp": "stapled-tcp", "http": "stapled-http"}


def median(rows, target, field):
    values = [row[field] for row in rows if row["target"] == target and row.get(field) is not None]
    return statistics.median(values) if values else None


def per_round(rows, target, field, fmt):
    return " / ".join(fmt.format(row[field]) for row in rows if row["target"] == target and row.get(field) is not None)


def best_peer(rows, group, field, lower_is_better=True):
    """(target id, median) of the best non-stapled target of `group`."""
    peers = [(t, median(rows, t, field)) for t in GROUPS[group] if t != STAPLED[group]]
    peers = [(t, v) for t, v in peers if v is not None]
    if not peers:
        return None, None
    return (min if lower_is_better else max)(peers, key=lambda p: p[1])


def ratio(value, best):
    if value is None or best in (None, 0):
        return None
    return value / best


def fmt(value, spec="{:.1f}", missing="–"):
    return spec.format(value) if value is not None else missing


class Report:
    def __init__(self, results, unavailable):
        self.results = results          # section name -> rows
        self.unavailable = unavailable  # target id -> reason
        self.checks = []                # (goal, stapled, peer, ratio, limit, verdict)

    def missing(self, target):
        return "not available (see above)" if target in self.unavailable else "not measured"

    def table(self, headers, lines):
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        out += ["| " + " | ".join(str(c) for c in line) + " |" for line in lines]
        return "\n".join(out)

    def check(self, goal, group, rows, field, limit, unit, lower_is_better=True):
        stapled = STAPLED[group]
        value = median(rows, stapled, field)
        peer, best = best_peer(rows, group, field, lower_is_better)
        if value is None:
            self.checks.append((goal, self.missing(stapled), "", "", f"≤ {limit}×", "n/a"))
            return
        r = ratio(value, best)
        verdict = "n/a" if r is None else ("**pass**" if r <= limit else "**miss**")
        self.checks.append((goal, f"{value:.{2 if value < 10 else 1}f} {unit}",
                            f"{LABELS.get(peer, '–')} {fmt(best, '{:.2f}' if (best or 0) < 10 else '{:.1f}')}",
                            fmt(r, "{:.2f}×"), f"≤ {limit}×", verdict))

    @staticmethod
    def with_rounds(lines, rows, field, spec):
        """Appends the per-round values of `field` (in round order) to each target's line."""
        for line in lines:
            target = next((t for t, label in LABELS.items() if label == line[0]), None)
            line.append(per_round(rows, target, field, spec))
        return lines

    def section_rows(self, rows, columns, value_field):
        """One line per target of both groups; `columns` = [(header, field, format)]."""
        lines = []
        for group in ("tcp", "http"):
            peer, best = best_peer(rows, group, value_field)
            for target in GROUPS[group]:
                if median(rows, target, value_field) is None:
                    if target in self.unavailable or any(r["target"] == target for r in rows):
                        lines.append([LABELS[target]] + [self.missing(target)] + [""] * len(columns))
                    continue
                cells = [LABELS[target]]
                for _, field, spec in columns:
                    cells.append(fmt(median(rows, target, field), spec))
                cells.append(fmt(ratio(median(rows, target, value_field), best), "{:.2f}×"))
                lines.append(cells)
        return lines

    def render(self):
        parts = []
        r = self.results
        if r.get("keepalive"):
            rows = r["keepalive"]
            cols = [("req/s", "rps", "{:.0f}"), ("p50 ms", "p50_ms", "{:.2f}"), ("p99 ms", "p99_ms", "{:.2f}"),
                    ("CPU µs/req", "cpu_us_per_request", "{:.1f}"), ("others' CPU (cores)", "others_cores", "{:.2f}")]
            lines = self.with_rounds(self.section_rows(rows, cols, "cpu_us_per_request"), rows,
                                     "cpu_us_per_request", "{:.1f}")
            parts.append("### 1. Keep-alive small requests\n\n`wrk -t1 -c64`, 100-byte page; medians of the "
                         "rounds; CPU = the terminator's whole process tree per request; ratio = CPU µs/req "
                         "against the best peer of the same mode.\n\n"
                         + self.table(["target"] + [c[0] for c in cols] + ["CPU vs best peer", "CPU µs/req by round"],
                                      lines))
            self.check("CPU µs per request, mode tcp", "tcp", rows, "cpu_us_per_request", 0.9, "µs")
            self.check("CPU µs per request, mode http", "http", rows, "cpu_us_per_request", 0.9, "µs")
        for key, title in (("ecdsa", "ECDSA P-256"), ("rsa", "RSA-2048")):
            rows = r.get(f"handshake_{key}")
            if not rows:
                continue
            cols = [("handshakes/s", "handshakes_per_s", "{:.0f}"), ("CPU µs/handshake", "cpu_us_per_handshake",
                                                                      "{:.0f}"),
                    ("resumed", "resumed", "{:.0f}"), ("stapled %", "stapled_pct", "{:.1f}"),
                    ("others' CPU (cores)", "others_cores", "{:.2f}")]
            lines = self.with_rounds(self.section_rows(rows, cols, "cpu_us_per_handshake"), rows,
                                     "cpu_us_per_handshake", "{:.0f}")
            parts.append(f"### 2. Full handshakes, {title}\n\n`bench/handshake-load` (fresh SSL per connection, "
                         "no session reuse, status_request); handshakes/s is bounded by the client on two shared "
                         "cores: compare the CPU per handshake.\n\n"
                         + self.table(["target"] + [c[0] for c in cols] + ["CPU vs best peer", "CPU µs/handshake by round"],
                                      lines))
            for group in ("tcp", "http"):
                self.check(f"CPU µs per full handshake, {title}, mode {group}", group, rows,
                           "cpu_us_per_handshake", 0.9, "µs")
        if r.get("bulk"):
            rows = r["bulk"]
            cols = [("MB/s", "mb_per_s", "{:.0f}"), ("CPU s/GB", "cpu_s_per_gb", "{:.2f}"),
                    ("others' CPU (cores)", "others_cores", "{:.2f}")]
            lines = self.with_rounds(self.section_rows(rows, cols, "cpu_s_per_gb"), rows, "cpu_s_per_gb", "{:.2f}")
            size = rows[0]["bytes"] / 2**30
            parts.append(f"### 3. Bulk: one {size:g} GiB download\n\n`curl` through each terminator; CPU seconds of "
                         "the terminator's tree per GB (10⁹ bytes) delivered.\n\n"
                         + self.table(["target"] + [c[0] for c in cols] + ["CPU vs best peer", "CPU s/GB by round"],
                                      lines))
            for group in ("tcp", "http"):
                self.check(f"CPU s per GB in bulk, mode {group}", group, rows, "cpu_s_per_gb", 0.8, "s")
        if r.get("memory"):
            rows = r["memory"]
            cols = [("connections held", "held", "{:.0f}"), ("PSS before MiB", "pss_before_kib", "{:.1f}"),
                    ("KiB/connection", "kib_per_connection", "{:.1f}")]
            for row in rows:
                row["pss_before_mib"] = row["pss_before_kib"] / 1024
            cols[1] = ("PSS at start MiB", "pss_before_mib", "{:.1f}")
            lines = self.with_rounds(self.section_rows(rows, cols, "kib_per_connection"), rows,
                                     "kib_per_connection", "{:.1f}")
            parts.append("### 4. Memory per idle TLS connection\n\nA freshly started target; PSS growth of its "
                         "whole process tree with the connections held open after one request each.\n\n"
                         + self.table(["target"] + [c[0] for c in cols] + ["vs best peer", "KiB/connection by round"],
                                      lines))
            for group in ("tcp", "http"):
                self.check(f"KiB per idle connection, mode {group}", group, rows, "kib_per_connection", 0.93, "KiB")
        if r.get("startup"):
            rows = r["startup"]
            lines = []
            for group in ("tcp", "http"):
                for target in GROUPS[group]:
                    mine = [row for row in rows if row["target"] == target]
                    if not mine:
                        if target in self.unavailable:
                            lines.append([LABELS[target], self.missing(target), "", "", "", ""])
                        continue
                    stapled_rounds = sum(1 for row in mine if row["first_stapled"])
                    lines.append([LABELS[target], fmt(median(rows, target, "first_handshake_ms")),
                                  f"{stapled_rounds}/{len(mine)}", fmt(median(rows, target, "first_stapled_ms")),
                                  fmt(median(rows, target, "handshakes_until_stapled"), "{:.0f}"),
                                  per_round(rows, target, "first_stapled_ms", "{:.1f}")])
            parts.append("### 5. Start-up with a cold cache\n\nFrom exec to the first completed handshake and to "
                         "the first handshake carrying a valid staple (a client retrying every millisecond). "
                         "HAProxy 2.6 cannot fetch: its `.ocsp` file is fetched beforehand, so it never starts "
                         "cold.\n\n"
                         + self.table(["target", "exec → first handshake ms", "first handshake stapled (rounds)",
                                       "exec → first stapled handshake ms", "handshakes until stapled",
                                       "first stapled ms by round"], lines))
            for group in ("tcp", "http"):
                stapled = STAPLED[group]
                mine = [row for row in rows if row["target"] == stapled]
                if mine:
                    ok = all(row["first_stapled"] for row in mine)
                    self.checks.append((f"First handshake stapled every round, mode {group}",
                                        f"{sum(1 for x in mine if x['first_stapled'])}/{len(mine)} rounds", "", "",
                                        "every round", "**pass**" if ok else "**miss**"))
                else:
                    self.checks.append((f"First handshake stapled every round, mode {group}",
                                        self.missing(stapled), "", "", "every round", "n/a"))
                self.check(f"Exec to first stapled handshake, mode {group}", group, rows, "first_stapled_ms", 1.0,
                           "ms")
        if self.unavailable:
            parts.insert(0, "Not available in this run:\n\n" + "\n".join(
                f"- {LABELS.get(t, t)}: {reason}" for t, reason in self.unavailable.items()))
        if self.checks:
            parts.insert(0, "### Targets (stapled against the best peer of the same mode, same run)\n\n"
                         + self.table(["goal", "stapled", "best peer", "ratio", "target", "verdict"], self.checks))
        return "\n\n".join(parts) + "\n"
