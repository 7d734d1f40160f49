"""Survey instruments: versioned, bilingual TOML files under ``surveys/instruments/``, validated
on load with a message that names the problem and the line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from medspil.errors import InstrumentInvalid

CORE_CONSTRUCTS = ("mening", "motivation", "medspil")
OPTIONAL_MODULES = ("information", "tryghed", "kompetencer", "kerneopgave", "usynligt_arbejde")
KNOWN_CONSTRUCTS = CORE_CONSTRUCTS + OPTIONAL_MODULES
LANGS = ("da", "en")
SCALE_POINTS = 5
DEFAULT_INSTRUMENT = "medspil-1"


@dataclass(frozen=True)
class Item:
    id: str
    construct: str
    text: dict[str, str]
    reverse: bool = False


@dataclass(frozen=True)
class Construct:
    id: str
    core: bool
    name: dict[str, str]


@dataclass(frozen=True)
class Instrument:
    """One version of the questionnaire; ``id`` is ``name-version``, e.g. ``medspil-1``."""

    name: str
    version: int
    title: dict[str, str]
    scale_labels: dict[str, list[str]]
    dont_know: dict[str, str]
    constructs: tuple[Construct, ...]
    items: tuple[Item, ...]
    source: str

    @property
    def id(self) -> str:
        return f"{self.name}-{self.version}"

    def items_for(self, modules: list[str] | tuple[str, ...] = ()) -> list[Item]:
        """The core items plus those of the switched-on optional modules, in file order."""
        wanted = set(CORE_CONSTRUCTS) | set(modules)
        return [item for item in self.items if item.construct in wanted]

    def construct(self, construct_id: str) -> Construct:
        return next(c for c in self.constructs if c.id == construct_id)


def _line_of(text: str, pattern: str) -> int:
    """The 1-based line where ``pattern`` (a regex) first matches, or 0 when it does not."""
    match = re.search(pattern, text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _reject(source: str, line: int, problem: str) -> InstrumentInvalid:
    return InstrumentInvalid(source=source, line=line or "?", problem=problem)


def _translations(node: object, what: str, source: str, text: str, anchor: str) -> dict[str, str]:
    if not isinstance(node, dict):
        node = {}
    missing = [lang for lang in LANGS if not str(node.get(lang, "")).strip()]
    if missing:
        raise _reject(
            source,
            _line_of(text, anchor),
            f"{what} mangler tekst på {', '.join(missing)} / lacks text in {', '.join(missing)}",
        )
    return {lang: str(node[lang]).strip() for lang in LANGS}


def _check_shapes(raw: dict, source: str, text: str) -> None:
    """Every table and array of tables has its type before anything reads it."""
    tables = [("scale", r"^\[?scale\b")]
    for key, anchor in tables:
        if key in raw and not isinstance(raw[key], dict):
            raise _reject(source, _line_of(text, anchor), f"'{key}' skal være en tabel ([{key}])")
    labels = raw.get("scale", {}).get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, list) for v in labels.values()):
        raise _reject(
            source, _line_of(text, r"^labels"), "'labels.da' og 'labels.en' skal være lister"
        )
    for key in ("constructs", "items"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(node, dict) for node in value):
            raise _reject(
                source,
                _line_of(text, rf"^\[?\[?{key}\b"),
                f"'{key}' skal skrives som [[{key}]]-blokke / must be [[{key}]] tables",
            )


def parse_instrument(text: str, source: str = "<tekst>") -> Instrument:
    """Parse and validate an instrument file's text; raise ``InstrumentInvalid`` naming the line."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"at line (\d+)", str(e))
        line = int(found.group(1)) if found else 0
        raise _reject(source, line, f"ugyldig TOML / invalid TOML: {e}") from e
    if not str(raw.get("name", "")).strip() or not isinstance(raw.get("version"), int):
        raise _reject(source, 1, "'name' og et heltal 'version' skal stå øverst")
    _check_shapes(raw, source, text)
    title = _translations(raw.get("title"), "title", source, text, r"^title")

    scale = raw.get("scale", {})
    scale_line = _line_of(text, r"^\[scale\]")
    if scale.get("points") != SCALE_POINTS:
        raise _reject(source, scale_line, f"skalaen skal have {SCALE_POINTS} punkter")
    labels = scale.get("labels", {})
    for lang in LANGS:
        if len(labels.get(lang, [])) != SCALE_POINTS:
            raise _reject(
                source,
                _line_of(text, rf"^labels\.{lang}") or scale_line,
                f"skalaen skal have {SCALE_POINTS} svarmuligheder på {lang}",
            )
    dont_know = _translations(scale.get("dont_know"), "'Ved ikke'", source, text, r"dont_know")

    constructs = []
    for node in raw.get("constructs", []):
        cid = str(node.get("id", ""))
        line = _line_of(text, rf'^id\s*=\s*"{re.escape(cid)}"')
        if cid not in KNOWN_CONSTRUCTS:
            raise _reject(source, line, f"ukendt konstrukt / unknown construct '{cid}'")
        name = _translations(node.get("name"), f"konstrukt '{cid}'", source, text, rf'"{cid}"')
        core = cid in CORE_CONSTRUCTS
        constructs.append(Construct(id=cid, core=core, name=name))
    construct_ids = [c.id for c in constructs]
    for cid in CORE_CONSTRUCTS:
        if cid not in construct_ids:
            raise _reject(source, 1, f"kernekonstruktet '{cid}' mangler")

    items: list[Item] = []
    seen: set[str] = set()
    for index, node in enumerate(raw.get("items", [])):
        iid = str(node.get("id", ""))
        occurrence = 2 if iid in seen else 1
        line = _nth_line(text, rf'^id\s*=\s*"{re.escape(iid)}"', occurrence)
        if not iid:
            raise _reject(source, 0, f"spørgsmål nr. {index + 1} mangler 'id'")
        if iid in seen:
            raise _reject(source, line, f"spørgsmåls-id '{iid}' står to gange / duplicate item id")
        seen.add(iid)
        construct_id = str(node.get("construct", ""))
        if construct_id not in construct_ids:
            raise _reject(
                source, line, f"spørgsmål '{iid}' hører til ukendt konstrukt '{construct_id}'"
            )
        missing = [lang for lang in LANGS if not str(node.get(lang, "")).strip()]
        if missing:
            raise _reject(
                source,
                line,
                f"spørgsmål '{iid}' mangler tekst på {', '.join(missing)} / missing translation",
            )
        reverse = node.get("reverse", False)
        if not isinstance(reverse, bool):
            raise _reject(source, line, f"'reverse' for '{iid}' skal være true eller false")
        text_by_lang = {lang: str(node[lang]).strip() for lang in LANGS}
        items.append(Item(id=iid, construct=construct_id, text=text_by_lang, reverse=reverse))

    for construct in constructs:
        count = sum(item.construct == construct.id for item in items)
        limit = 3
        if count == 0 or count > limit:
            raise _reject(
                source,
                _line_of(text, rf'^id\s*=\s*"{construct.id}"'),
                f"konstrukt '{construct.id}' har {count} spørgsmål; det skal have 1-{limit}"
                if not construct.core
                else f"kernekonstrukt '{construct.id}' har {count} spørgsmål; det skal have 2-3",
            )
        if construct.core and count < 2:
            raise _reject(
                source,
                _line_of(text, rf'^id\s*=\s*"{construct.id}"'),
                f"kernekonstrukt '{construct.id}' har {count} spørgsmål; det skal have 2-3",
            )

    return Instrument(
        name=str(raw["name"]).strip(),
        version=raw["version"],
        title=title,
        scale_labels={lang: [str(x) for x in labels[lang]] for lang in LANGS},
        dont_know=dont_know,
        constructs=tuple(constructs),
        items=tuple(items),
        source=source,
    )


def _nth_line(text: str, pattern: str, n: int) -> int:
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    if len(matches) < n:
        return 0
    return text.count("\n", 0, matches[n - 1].start()) + 1


def load_instrument(instrument_id: str = DEFAULT_INSTRUMENT) -> Instrument:
    """Load a bundled instrument by id (``name-version``)."""
    resource = resources.files("surveys.instruments").joinpath(f"{instrument_id}.toml")
    if not resource.is_file():
        raise InstrumentInvalid(
            source=instrument_id, line="?", problem="ukendt spørgeskema / unknown instrument"
        )
    return parse_instrument(resource.read_text(encoding="utf-8"), source=f"{instrument_id}.toml")
