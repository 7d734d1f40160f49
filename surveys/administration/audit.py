"""The audit log for the Logbog page: who did which administrative action, and when."""

from __future__ import annotations

import pandas as pd

from data import audit
from data.db import Database
from medspil.formatting import time_text
from medspil.i18n import t


def audit_table(db: Database, lang: str, *, limit: int = 500) -> pd.DataFrame:
    """The newest ``limit`` actions: time (to the minute), who, action and detail."""
    rows = audit.entries(db, limit=limit)
    return pd.DataFrame(
        {
            t("audit.col_when", lang): [
                time_text(moment) for moment in pd.to_datetime(rows["happened_at"])
            ],
            t("audit.col_who", lang): rows["actor"],
            t("audit.col_action", lang): rows["action"],
            t("audit.col_detail", lang): rows["detail"],
        }
    )
