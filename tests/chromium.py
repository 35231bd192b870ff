"""Debian's Chromium for the browser tests, and the flags it runs headless with here.

As root it needs ``--no-sandbox``; the rest keep it from reaching for the
network at start (component updates, sync, QUIC), which this machine refuses.
"""

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
