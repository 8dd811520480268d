"""``python -m tradepath`` runs the command line."""

import os
import sys

from .cli import EXIT_INTERRUPTED, main

code = main()
if code in EXIT_INTERRUPTED:
    # Stopped by a signal and cleaned up: leave with the documented code. (Run as a module,
    # CPython can exit by SIGINT instead, after a KeyboardInterrupt it saw in nested code.)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
