#!/usr/bin/env python
"""Django's command-line utility; `minsheng` (installed in .venv/bin) is the same."""

import sys

from minsheng.cli import main

if __name__ == "__main__":
    sys.exit(main())
