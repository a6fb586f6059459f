"""``python -m ui.cli``: the same as the ``brandpulse`` command."""

from ui.cli.app import main

main()
