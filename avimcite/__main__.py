import sys

from avimcite.entry import main

sys.exit(main())
