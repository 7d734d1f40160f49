"""MED snapshots: freezing an area's protected results (``freeze``, ``content``), re-rendering them
from the frozen content only (``view``, ``tables``, ``text``, ``charts``) and printing them
(``pdf``, ``chart_svg``, ``spreadsheet``).
"""
