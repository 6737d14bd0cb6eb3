"""`python -m devnet [--port P] [--bare] [--block-time S]`: run the local devnet."""

import sys

from .server import main

sys.exit(main())
