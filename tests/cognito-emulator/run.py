#!/usr/bin/env python3
"""Start the CogAuth Cognito emulator: `python run.py --help` (use the venv from setup.sh)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cogauth_emulator.server import main  # noqa: E402  (needs the path above)

if __name__ == "__main__":
    sys.exit(main())
