"""The coordinator's console: every capability of the four APIs as a page, behind staff sign-in.

Each area of the console is a package of its own here — its blueprint and views in ``__init__.py``,
its templates under ``templates/console/<area>/``, its messages under ``translations/`` — so an
area can be read, translated and changed without opening the others. ``AREAS`` is the order of the
console's navigation. Every page is the signed-in coordinator's, in their tenant: the token in their
session goes with every API call, and every rule and tenant check stays in the services.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Blueprint, Flask

HERE = Path(__file__).resolve().parent

# (package, endpoint of its landing page, its name in the navigation as a gettext message id)
AREAS: list[str] = ["dashboard", "programmes", "applications", "matching", "pairs", "events", "outcomes",
                    "messages", "people", "privacy"]

blp = Blueprint("console", __name__, template_folder="templates")


def translation_directories() -> list[Path]:
    """The console's own catalogue and each area's, merged by Flask-Babel with the front's."""
    found = [HERE / "translations"]
    found += [HERE / area / "translations" for area in AREAS if (HERE / area / "translations").is_dir()]
    return [folder for folder in found if folder.is_dir()]


def register(app: Flask) -> None:
    """Add the console's blueprints (those areas that exist) and catalogues to the web front."""
    from . import access  # noqa: F401  (the console's template globals)

    app.register_blueprint(blp)
    for area in AREAS:
        if (HERE / area / "__init__.py").is_file():
            module = importlib.import_module(f"{__name__}.{area}")
            app.register_blueprint(module.blp)
    directories = [app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")]
    directories += [str(folder) for folder in translation_directories()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.jinja_env.globals.update(console_areas=access.navigation)


@blp.get("/console")
def landing():
    """The console's first page: the dashboard."""
    from flask import redirect, url_for

    from .access import coordinator_only, navigation

    @coordinator_only
    def first():
        areas = navigation()
        return redirect(areas[0][1] if areas else url_for("staff.home"))
    return first()
