"""``termtrans serve``: a LibreTranslate-compatible HTTP API with verified glossaries.

Modules: :mod:`.settings` (what the operator chose), :mod:`.service` (one model,
concurrent requests batched into one decoder call), :mod:`.store` (stored
glossaries in SQLite), :mod:`.guard` (API keys, rate limits, body limits),
:mod:`.files` (translated files and their expiry), :mod:`.app` (the routes).
Nothing here is imported by the rest of the toolkit: Starlette and uvicorn
are the ``serve`` extra.
"""
