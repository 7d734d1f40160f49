"""The ``medspil`` command line: ``main`` parses the arguments and runs one sub-command.

Each sub-command lives in its own module (``init``, ``demo``, ``prepare``, ``listing``,
``import_units``, ``check_access``, ``snapshot``, ``invite``, ``import_responses``), imported only
when it runs; ``main`` holds the table of commands and the one error rule.
"""

from surveys.cli.main import main

__all__ = ["main"]
