"""The web front's message catalogues: the front's own, the console's, and one per console area.

Each catalogue holds the messages of the code beside it, not those of a nested catalogue's code,
and at run time Flask-Babel merges them all (``console.register``). A message is translated when
its own catalogue or one of the catalogues it sits inside translates it.

``python -m services.web.catalogues`` brings every catalogue up to date with the code (new
messages added untranslated, messages no longer used dropped) and compiles them; translators
then fill in the ``.po`` files and run it again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from services.shared.contract.events import LOCALES

WEB = Path(__file__).resolve().parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


@dataclass(frozen=True)
class Root:
    """A folder whose code's messages one catalogue (``translations/<locale>/``) holds."""

    folder: Path
    parents: tuple[Path, ...] = ()  # the catalogues this one's pages also read

    @property
    def name(self) -> str:
        return str(self.folder.relative_to(WEB.parent)) if self.folder != WEB else "web"

    def path(self, locale: str, suffix: str = "po") -> Path:
        return self.folder / "translations" / locale / "LC_MESSAGES" / f"messages.{suffix}"


def roots() -> list[Root]:
    from . import console

    areas = [console.HERE / area for area in console.AREAS if (console.HERE / area).is_dir()]
    return [Root(WEB), Root(console.HERE, (WEB,))] + [Root(area, (WEB, console.HERE)) for area in areas]


def _nested(root: Root) -> set[Path]:
    return {other.folder for other in roots() if other.folder != root.folder and root.folder in other.folder.parents}


def messages(root: Root) -> set[str]:
    """The message ids of the code in ``root``'s folder, outside any nested catalogue's folder."""
    skip = _nested(root)

    def wanted(dirpath: str) -> bool:
        path = Path(dirpath)
        return path not in skip and not path.name.startswith((".", "_")) and path.name != "translations"

    found = set()
    for filename, _line, message, *_rest in extract_from_dir(str(root.folder), METHODS, keywords=KEYWORDS,
                                                              options_map=OPTIONS, directory_filter=wanted):
        if not isinstance(message, str):  # the catalogues hold no plural forms: say "Pairs: %(num)s" instead
            raise ValueError(f"{root.name}/{filename}: ngettext({message[0]!r}, ...) — write the message without a plural")
        found.add(message)
    return found


def catalogue(root: Root, locale: str, compiled: bool = False) -> Catalog | None:
    path = root.path(locale, "mo" if compiled else "po")
    if not path.is_file():
        return None
    with path.open("rb") as file:
        return read_mo(file) if compiled else read_po(file, locale=locale)


def translated(root: Root, locale: str) -> dict[str, str]:
    """What ``root``'s pages can show translated: its catalogue over those it sits inside."""
    found: dict[str, str] = {}
    for folder in (*root.parents, root.folder):
        found.update({m.id: m.string for m in (catalogue(Root(folder), locale) or []) if m.id and not m.fuzzy})
    return found


def update(only: list[str] | None = None) -> None:
    """Add each new message (untranslated) to its catalogue, drop those no longer used, compile."""
    for root in roots():
        if only and root.name not in only:
            continue
        ids = messages(root)
        if not ids and not root.path(LOCALES[0]).is_file():
            continue
        for locale in LOCALES:
            inherited = {key for folder in root.parents for key, value in translated(Root(folder), locale).items() if value}
            found = catalogue(root, locale)
            if found is None:
                found = Catalog(locale=locale, project="Tandem", version="1",
                                header_comment=f"# The messages of {root.name} in {locale}.")
            for message in list(found):
                if message.id and (message.id not in ids or (message.id in inherited and not message.string)):
                    del found[message.id]
            for message_id in sorted(ids - inherited):
                if message_id not in found:
                    found.add(message_id, "")
            path = root.path(locale)
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, found, omit_header=False, width=0)  # one line per message, as translators edit them
            path.write_bytes(buffer.getvalue())
            with root.path(locale, "mo").open("wb") as file:
                write_mo(file, found)
            missing = sorted(m.id for m in found if m.id and not m.string)
            if missing:
                print(f"{root.name} {locale}: {len(missing)} to translate")


if __name__ == "__main__":
    import sys

    update(sys.argv[1:] or None)
