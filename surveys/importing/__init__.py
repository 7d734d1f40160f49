"""Importing earlier pulse data (SurveyXact exports, a long CSV): read, map, preview, apply.

``sources`` reads a file into one table of text cells, ``mapping`` holds and saves what each
source column means, ``plan`` turns both into the responses to store (or the reasons not to),
and ``importer`` previews, applies and removes an import through ``data.imports``.
"""
