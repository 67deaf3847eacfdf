"""``python -m symbackprop`` runs the command line."""

import gc
import sys

from .cli import main

code = main()
# The process ends here: the objects still alive are set aside from the garbage collector, so that the
# interpreter's last collection at exit does not walk them all (0.4 s after verifying 10,000 equations).
gc.freeze()
sys.exit(code)
