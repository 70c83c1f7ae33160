import gc
import sys

from .cli import main

code = main()
# Everything dies with the process now: spare the collector its passes over SymPy's objects at
# exit (about half a second after a cold build).
gc.freeze()
sys.exit(code)
