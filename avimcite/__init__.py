"""avimcite: cite AVİM (Center for Eurasian Studies) posts from a local catalogue.

This module imports nothing heavy: `avimcite --version` and the light commands
must start close to the interpreter's own start-up time.
"""

__version__ = "0.1.0"
