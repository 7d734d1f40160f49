"""The ``medspil`` command line: ``main`` parses the arguments and runs one sub-command.

Sub-commands live one module each (``admin``, ``invite``, ``snapshot``, ``import_responses``);
``main`` holds the set-up commands (init, demo, prepare, list).
"""

from surveys.cli.main import main

__all__ = ["main"]
