"""The wall cards' paper: page sizes and the reduction from A4 to A5."""

from __future__ import annotations

# Page sizes in PDF points (1/72 in), width x height, portrait.
PAPER: dict[str, tuple[float, float]] = {
    "A4": (210 / 25.4 * 72, 297 / 25.4 * 72),
    "A5": (148 / 25.4 * 72, 210 / 25.4 * 72),
}
A5_ZOOM = PAPER["A5"][1] / PAPER["A4"][1]  # 0.707: A4 reduced to A5 height
