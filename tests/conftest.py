"""Shared set-up of the project's tests.

``foxcontract.live.hooks`` (and the run module with the LIVE stash key) is imported here, in
the test process, so every in-process pytester run shares one copy: a module first imported
inside such a run is dropped from sys.modules after it, while the package keeps pointing at
the old copy, and a test conftest's ``from foxcontract.live.run import LIVE`` would then get
another key than the plugin's (its retry policy silently ignored).
"""

import foxcontract.live.hooks  # noqa: F401
