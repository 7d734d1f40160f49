"""A process that answers codes through the real submission path until it is killed.

``python tests/data/crash_writer.py DB CODES_FILE SECRET_HEX``: opens the database, prints
``ready``, then for each code of the file opens its form and submits it (``open_form``,
``submit_form``: the answer page's two calls) with the comment ``kode <code>``, and prints the
code once ``submit_form`` has returned (the respondent's "Tak for dit svar"). A code already
used (stored before an earlier kill, unacknowledged) is skipped silently.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from data import open_database  # noqa: E402
from medspil.errors import CodeUsed  # noqa: E402
from surveys.answering.form import open_form, submit_form  # noqa: E402


def main(db_path: str, codes_file: str, secret_hex: str) -> None:
    secret = bytes.fromhex(secret_hex)
    today = dt.date.today()
    db = open_database(Path(db_path))
    print("ready", flush=True)
    for code in Path(codes_file).read_text(encoding="utf-8").split():
        try:
            form = open_form(db, code, lang="da", today=today, secret=secret)
        except CodeUsed:
            continue
        values = {item.id: 1 + n % 5 for n, item in enumerate(form.items)}
        submit_form(db, form, values, f"kode {code}", today=today, secret=secret)
        print(code, flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
