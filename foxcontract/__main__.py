"""``python -m foxcontract``: the same as the ``foxcontract`` command."""

import sys

from foxcontract.cli import main

sys.exit(main())
