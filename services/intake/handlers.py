"""Events intake consumes: none yet — it acts on its own commands and publishes the rest."""

from services.shared.bus import HandlerTable

HANDLERS = HandlerTable("intake")
