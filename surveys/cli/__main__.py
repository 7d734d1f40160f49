"""``python -m surveys.cli``: the same as the ``medspil`` command."""

import sys

from surveys.cli.main import main

sys.exit(main())
