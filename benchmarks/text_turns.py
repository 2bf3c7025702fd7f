"""Text turn latency through the full stack (input -> the first word reaches the robot), p50/p95,
for a greeting, a name lookup and a check-in. Targets: p50 <= 100 ms, p95 <= 250 ms."""
from __future__ import annotations

import json
import sys

from .stack import text_turn_latencies


def run(quick: bool = False) -> dict:
    return text_turn_latencies(quick)


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
