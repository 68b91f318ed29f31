"""What the probe checks read from a scenario's serial log: the last line
carrying a marker, parsed as JSON (the `KX-PLAN-JSON:` dry-run plan the
scenario printed, the `KX-PROBE` report of the payload), and plain marker
lines. Exits with a message when a line is missing or not JSON."""
import json
import sys


def last_json(log, marker):
    found = None
    for line in log.splitlines():
        i = line.find(marker)
        if i >= 0:
            text = line[i + len(marker):].strip()
            try:
                found = json.loads(text)
            except ValueError as e:
                sys.exit(f"{marker.strip()} line is not JSON ({e}): {text[:200]}")
    if found is None:
        sys.exit(f"no {marker.strip()} line in the log")
    return found


def marker_lines(log, marker):
    return [line[line.find(marker) + len(marker):].strip()
            for line in log.splitlines() if marker in line]
