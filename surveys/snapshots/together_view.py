"""The snapshot's frozen ``together`` part in words: since last time, plan against practice, the
MED discussions and the agreed actions, rendered from the frozen content only (a snapshot frozen
before this part existed has none of it)."""

from __future__ import annotations

from dataclasses import dataclass

from medspil.formatting import date_text, number
from medspil.i18n import t
from surveys.snapshots.schema import (
    ActionEntry,
    LogEntry,
    PlanEntry,
    SinceLast,
    SnapshotContent,
)


@dataclass(frozen=True)
class TogetherView:
    since_title: str
    since: tuple[str, ...]
    differences: tuple[str, ...]
    framing: tuple[str, ...]
    roles: tuple[str, ...]
    log: tuple[str, ...]
    actions: tuple[str, ...]


def together_view(c: SnapshotContent, constructs: dict[str, str], lang: str) -> TogetherView | None:
    frozen = c.get("together")
    if frozen is None:
        return None
    names = {u["id"]: u["name"] for u in c.get("units", [])}
    actions = {int(a["id"]): a for a in frozen.get("actions", [])}
    since_title, since = _since(frozen.get("since_last"), actions, constructs, names, lang)
    return TogetherView(
        since_title=since_title,
        since=tuple(since),
        differences=tuple(_differences(frozen.get("plan", []), lang)),
        framing=tuple(
            t(
                "snapshot_together.framing",
                lang,
                phase=t(f"phase.{f['phase']}", lang),
                fixed=f["fixed"] or "–",
                open=f["open"] or "–",
            )
            for f in frozen.get("framing", [])
        ),
        roles=tuple(
            t(
                "snapshot_together.role",
                lang,
                role=t(f"project_role.{r['kind']}", lang),
                unit=r["unit_name"],
                people=r["people"],
                phases=", ".join(t(f"phase.{p}", lang) for p in r["phases"]),
            )
            for r in frozen.get("roles", [])
        ),
        log=tuple(_log_line(e, lang) for e in frozen.get("med_log", [])),
        actions=tuple(_action_line(a, lang) for a in frozen.get("actions", [])),
    )


def _since(
    since: SinceLast | None,
    actions: dict[int, ActionEntry],
    constructs: dict[str, str],
    names: dict[str, str],
    lang: str,
) -> tuple[str, list[str]]:
    if since is None:
        return t("snapshot_together.since_first", lang), []
    title = t(
        "snapshot_together.since_title",
        lang,
        id=since["snapshot"],
        date=date_text(since["created_on"], lang),
    )
    lines = [_action_line(actions[i], lang) for i in since["actions"] if i in actions]
    if not lines:
        lines.append(t("snapshot_together.since_no_actions", lang))
    for move in since["constructs"]:
        label = constructs.get(move["construct"], move["construct"])
        unit = names.get(move["unit"], move["unit"])
        if move["before"] is None or move["now"] is None:
            lines.append(t("snapshot_together.since_hidden", lang, construct=label, unit=unit))
            continue
        change = move["now"] - move["before"]
        lines.append(
            t(
                "snapshot_together.since_construct",
                lang,
                construct=label,
                unit=unit,
                before=number(move["before"], 0, lang),
                now=number(move["now"], 0, lang),
                change=("+" if round(change) > 0 else "") + number(change, 0, lang),
                wave_before=move["wave_before"],
                wave_now=move["wave_now"],
            )
        )
    return title, lines


def _differences(plan: list[PlanEntry], lang: str) -> list[str]:
    lines = [
        t(
            "snapshot_together.difference",
            lang,
            phase=t(f"phase.{row['phase']}", lang),
            unit=row["unit_name"],
            planned=t(f"involvement.{row['planned']}", lang),
            actual=t(f"involvement.{row['actual']}", lang),
        )
        + (f" ({row['note']})" if row["note"] else "")
        for row in plan
        if row["actual"] is not None and row["actual"] != row["planned"]
    ]
    if plan and not lines:
        lines.append(t("snapshot_together.as_planned", lang))
    return lines


def _log_line(entry: LogEntry, lang: str) -> str:
    head = t(
        "snapshot_together.log",
        lang,
        date=date_text(entry["met_on"], lang),
        committee=entry["committee_name"],
        topic=entry["topic"],
    )
    return f"{head} {entry['decision']}".strip()


def _action_line(action: ActionEntry, lang: str) -> str:
    due = (
        t("snapshot_together.due", lang, date=date_text(action["due"], lang))
        if action["due"]
        else ""
    )
    line = t(
        "snapshot_together.action",
        lang,
        date=date_text(action["agreed_on"], lang),
        what=action["what"],
        status=t(f"action_status.{action['status']}", lang),
        who=action["responsible"],
        due=due,
    )
    return f"{line} {action['outcome']}".strip() if action["outcome"] else line
