"""A fold of a step (Triggers' tiers, a segment's own rules): Textual's Collapsible without
its `:focus-within` tint.

Textual restyles every widget inside a node with a `:focus-within` rule each time the
cursor moves within it. The tier 2 fold of twelve rules holds some 300 widgets, and a tab
from one field to the next took 146 ms on a quiet machine (31 ms with two rules), several
times that on a loaded one, so the room saw the cursor trail its keys. The fold under
discussion is still plain: it is the one open, its title takes the accent when it has the
cursor, and the field with the cursor marks its label.
"""

from __future__ import annotations

from textual.widgets import Collapsible


class Fold(Collapsible, inherit_css=False):
    """Collapsible's own look (Textual 8), less the tint that restyled the fold per tab."""

    DEFAULT_CSS = """
    Fold {
        width: 1fr;
        height: auto;
        background: $surface;
        border-top: hkey $background;
        padding-bottom: 1;
        padding-left: 1;

        &.-collapsed > Contents {
            display: none;
        }
        &:ansi {
            border-top: hkey ansi_blue;
            background: $panel;
        }
    }
    """
