"""`python -m myotwin`."""

from myotwin.cli import main

main()
