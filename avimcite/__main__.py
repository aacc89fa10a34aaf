import sys

from avimcite.cli import main

sys.exit(main())
