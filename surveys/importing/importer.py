"""Preview, apply and remove an import: the project's facts from the database, the plan from
the file and the mapping, one transaction to store it. No SQL here; ``data.imports`` has it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from data import imports as import_queries
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from medspil.cells import cell_int, cell_timestamp
from medspil.errors import ImportFileRejected, ImportRefused, UnknownProject
from medspil.formatting import date_text, integer
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from surveys.importing.mapping import Mapping, suggest_mapping
from surveys.importing.plan import DROP_REASONS, ImportPlan, Phase, ProjectFacts, build_plan
from surveys.importing.sources import SourceTable
from surveys.instruments.instrument import CORE_CONSTRUCTS


@dataclass(frozen=True)
class ImportPreview:
    """What an apply would store, per wave and unit, before anything is changed."""

    source: SourceTable
    plan: ImportPlan
    k_min: int

    @property
    def stored(self) -> int:
        return len(self.plan.responses)

    @property
    def dropped(self) -> int:
        return sum(self.plan.dropped.values())

    def under_k(self) -> list[tuple[dt.date, str, int]]:
        """The (wave, unit) groups that will hold fewer than k responses."""
        return sorted(
            (wave, unit, n) for (wave, unit), n in self.plan.stored().items() if n < self.k_min
        )

    def table(self, lang: str) -> pd.DataFrame:
        """One line per wave and unit: stored, dropped by reason, and whether it is under k."""
        stored = self.plan.stored()
        keys = set(stored) | {(w, u) for w, u, _ in self.plan.dropped}
        rows = []
        for wave, unit in sorted(keys, key=lambda k: (k[0] or dt.date.min, k[1] or "")):
            n = stored.get((wave, unit), 0)
            row = {
                t("import.col_wave", lang): wave.isoformat() if wave else "-",
                t("import.col_unit", lang): unit or "-",
                t("import.col_stored", lang): n,
            }
            for reason in DROP_REASONS:
                row[t(f"import.drop_{reason}", lang)] = self.plan.dropped.get(
                    (wave, unit, reason), 0
                )
            row[t("import.col_under_k", lang)] = (
                t("import.under_k_yes", lang) if 0 < n < self.k_min else ""
            )
            rows.append(row)
        return pd.DataFrame(rows)

    def drop_reasons(self) -> Counter:
        reasons: Counter = Counter()
        for (_, _, reason), n in self.plan.dropped.items():
            reasons[reason] += n
        return reasons

    def summary(self, lang: str) -> str:
        """Two or three plain lines: what is stored, what is left out and why."""
        lines = [
            t(
                "import.summary_stored",
                lang,
                responses=integer(self.stored, lang),
                waves=len(self.plan.waves),
                units=len({r.unit_id for r in self.plan.responses}),
                file=self.source.file_name,
                shape=self.source.shape,
            )
        ]
        reasons = self.drop_reasons()
        if reasons:
            parts = ", ".join(
                f"{t(f'import.drop_{r}', lang).lower()}: {integer(n, lang)}"
                for r, n in sorted(reasons.items())
            )
            lines.append(
                t(
                    "import.summary_dropped",
                    lang,
                    dropped=integer(self.dropped, lang),
                    reasons=parts,
                )
            )
        if self.plan.unknown_units:
            values = ", ".join(
                f"{v or '-'} ({n})" for v, n in sorted(self.plan.unknown_units.items())
            )
            lines.append(t("import.summary_unknown_units", lang, values=values))
        under = self.under_k()
        if under:
            lines.append(t("import.summary_under_k", lang, groups=len(under), k=self.k_min))
        if self.plan.first_phase_start is not None:
            lines.append(
                t(
                    "import.summary_phase_moved",
                    lang,
                    date=date_text(self.plan.first_phase_start, lang),
                )
            )
        return "\n".join(lines)


def project_facts(db: Database, project_id: str, today: dt.date) -> ProjectFacts:
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    modules = set(CORE_CONSTRUCTS) | set(project_queries.project_modules(db, project_id))
    items = project_queries.instrument_items(db, project["instrument_id"])
    phases = project_queries.phases(db, project_id)
    waves = project_queries.waves(db, project_id)
    return ProjectFacts(
        project_id=project_id,
        k_min=int(project["k_min"]),
        items=tuple(items[items["construct"].isin(modules)]["id"]),
        units=frozenset(org_queries.units(db)["id"]),
        project_units=frozenset(
            org_queries.subtree_ids(db, project_queries.project_units(db, project_id))
        ),
        phases=tuple(
            Phase(cell_int(p.id), str(p.kind), _date(p.starts), _date(p.ends))
            for p in phases.itertuples()
        ),
        first_wave_opens=_date(waves["opens"].min()) if not waves.empty else None,
        today=today,
    )


def _date(value: object) -> dt.date:
    return cell_timestamp(value).date()


def preview_import(
    db: Database, source: SourceTable, mapping: Mapping, *, today: dt.date
) -> ImportPreview:
    """Check the file against the mapping and the project; nothing is changed.

    The same file imported into the project before is refused here already (``ImportRefused``).
    """
    facts = project_facts(db, mapping.project, today)
    earlier = import_queries.find_import(db, mapping.project, source.fingerprint)
    if earlier is not None:
        raise ImportRefused(
            file=earlier.file_name, id=earlier.id, date=earlier.imported_on.isoformat()
        )
    plan = build_plan(source, mapping, facts)
    return ImportPreview(source, plan, facts.k_min)


def apply_import(
    db: Database, source: SourceTable, mapping: Mapping, *, scope: Scope, today: dt.date
) -> tuple[int, ImportPreview]:
    """Store the whole file in one transaction, or nothing; returns the import's id.

    Only an administrator's ``scope`` may (``AdminOnly`` before anything is read), and the
    import is recorded as theirs. The same file twice into one project is refused
    (``ImportRefused``): remove the earlier import first to replace it.
    """
    actor = admin_actor(scope)
    preview = preview_import(db, source, mapping, today=today)
    plan = preview.plan
    index = {wave: i for i, wave in enumerate(plan.waves)}
    first_phase = None
    if plan.first_phase_start is not None:
        first_phase = (plan.phase_of_wave[plan.waves[0]], plan.first_phase_start)
    import_id = import_queries.store_import(
        db,
        project_id=mapping.project,
        source=source.kind,
        file_name=source.file_name,
        fingerprint=source.fingerprint,
        imported_on=today,
        actor=actor,
        waves=[(wave, plan.phase_of_wave[wave]) for wave in plan.waves],
        first_phase_start=first_phase,
        responses=[
            import_queries.NewResponse(index[r.wave], r.unit_id, r.answers, r.comment)
            for r in plan.responses
        ],
        detail=t(
            "import.audit_apply",
            "da",
            file=source.file_name,
            project=mapping.project,
            responses=preview.stored,
            waves=len(plan.waves),
        ),
    )
    if import_id is None:
        # Another administrator imported the same file a moment ago.
        earlier = import_queries.find_import(db, mapping.project, source.fingerprint)
        raise ImportRefused(
            file=source.file_name, id=earlier.id if earlier else "?", date=today.isoformat()
        )
    return import_id, preview


def remove_import(db: Database, import_id: int, *, scope: Scope) -> import_queries.ImportRecord:
    """Remove an import's waves and every answer in them, as one unit; only an administrator's
    ``scope`` may (``AdminOnly`` before anything is read)."""
    actor = admin_actor(scope)
    record = import_queries.get_import(db, import_id)
    if record is None:
        raise ImportFileRejected([("import.problem_no_such_import", {"id": import_id})])
    import_queries.remove_import(
        db,
        import_id,
        actor=actor,
        detail=t("import.audit_remove", "da", file=record.file_name, project=record.project_id),
    )
    return record


def import_list(db: Database, lang: str, project_id: str | None = None) -> pd.DataFrame:
    """The imports for the page and the command line, with plain column names."""
    frame = import_queries.imports(db, project_id)
    names = {
        "id": t("import.col_id", lang),
        "project_id": t("import.col_project", lang),
        "source": t("import.col_source", lang),
        "file_name": t("import.col_file", lang),
        "imported_on": t("import.col_imported_on", lang),
        "imported_by": t("import.col_imported_by", lang),
        "responses": t("import.col_responses", lang),
        "waves": t("import.col_waves", lang),
        "first": t("import.col_first", lang),
        "last": t("import.col_last", lang),
    }
    return frame.rename(columns=names)


def suggested_mapping(db: Database, source: SourceTable, project_id: str) -> Mapping:
    """A first mapping for the file, to review: see :func:`mapping.suggest_mapping`."""
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    modules = set(CORE_CONSTRUCTS) | set(project_queries.project_modules(db, project_id))
    items = project_queries.instrument_items(db, project["instrument_id"])
    items = items[items["construct"].isin(modules)]
    units = org_queries.units(db)
    inside = set(org_queries.subtree_ids(db, project_queries.project_units(db, project_id)))
    units = units[units["id"].isin(inside)]
    return suggest_mapping(
        source,
        project=project_id,
        items=dict(zip(items["id"], items["text_da"], strict=True)),
        units=dict(zip(units["id"], units["name"], strict=True)),
    )
