"""What every dashboard view starts from: the scope check, the wave frame, None for NaN."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import Database
from medspil.cells import cell_int, cell_missing, cell_optional_float
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, project_basis, require_project, require_unit

COMPARISON_COLUMNS = ["difference", "p_adjusted", "cohens_d", "cliffs_delta", "significant"]


def _basis(db: Database, scope: Scope, project_id: str, unit_id: str, today: dt.date):
    require_project(db, scope, project_id)
    basis = project_basis(db, project_id, today=today)
    require_unit(basis, scope, unit_id)
    return basis


def _wave_frame(basis: ProjectBasis, lang: str) -> pd.DataFrame:
    waves = basis.waves
    phase_kind = dict(zip(basis.phases["id"], basis.phases["kind"], strict=True))
    return pd.DataFrame(
        {
            "wave_id": waves["id"].astype(int),
            "wave_number": waves["number"].astype(int),
            "wave_label": [basis.wave_label(int(w), lang) for w in waves["id"]],
            "opens": pd.to_datetime(waves["opens"]).dt.date,
            "phase_label": [t(f"phase.{phase_kind[p]}", lang) for p in waves["phase_id"]],
        }
    )


def _phase_waves(basis: ProjectBasis, phase_id: int) -> list[int]:
    return basis.waves.loc[basis.waves["phase_id"] == phase_id, "id"].astype(int).tolist()


def _none_for_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as objects with ``None`` for NaN, so nothing undefined reaches the UI."""
    columns: dict[str, object] = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind == "f" or values.dtype == object:
            array = values.to_numpy(dtype=object, copy=True)
            array[pd.isna(array)] = None
            columns[column] = array
        else:
            columns[column] = values
    # One frame built at once: replacing a column at a time cost milliseconds per view.
    return pd.DataFrame(columns, index=frame.index)


def _opt(value: object) -> float | None:
    return cell_optional_float(value)


def _opt_int(value: object) -> int | None:
    return None if cell_missing(value) else cell_int(value)
