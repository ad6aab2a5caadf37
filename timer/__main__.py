"""`python -m timer` does what the `circuit-timer` command does."""

from timer.cli import main

raise SystemExit(main())
