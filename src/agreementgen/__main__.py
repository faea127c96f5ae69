"""Run `python -m agreementgen`."""

from agreementgen.cli import main

main()
