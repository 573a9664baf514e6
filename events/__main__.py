"""Allow ``python -m events``."""

from events.cli.main import main

main()
