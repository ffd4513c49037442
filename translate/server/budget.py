"""Work for clients that are still there, within a time budget.

A translation request that waits in the batching queue costs nothing until its
batch is decoded, so the work of a client that went away (or of one that would
wait past ``--request-timeout``) is dropped before it reaches the model: the
middleware cancels the handler, the handler's wait on its queued sentences is
cancelled with it, and the batcher skips sentences nobody waits for.

Only the translation routes are watched: once a request's body is read, the
next ASGI ``receive`` returns only when the client disconnects, so a watcher can
wait on it beside the handler (these routes never read ``receive`` again).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Routes whose work is decoding: cancelled when their client leaves, bounded in time.
WATCHED = ("/translate", "/v2/translate", "/MTRestService/")


class TranslationBudget:
    """ASGI middleware: cancel a translation whose client disconnected; answer 503 (JSON,
    with ``Retry-After``) when one takes longer than *timeout* seconds."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(WATCHED):
            await self.app(scope, receive, send)
            return
        body_read = asyncio.Event()
        started = False

        async def reading() -> Message:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                body_read.set()
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        handler = asyncio.ensure_future(self.app(scope, reading, sending))
        watcher = asyncio.ensure_future(self._watch(body_read, receive, handler))
        try:
            await asyncio.wait_for(asyncio.shield(handler), self.timeout)
        except TimeoutError:
            handler.cancel()
            if not started:
                await _answer_503(send, self.timeout, str(scope["path"]))
        except asyncio.CancelledError:
            if not watcher.done() or watcher.result() is not True:
                raise                  # the server is stopping: not ours to swallow
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await handler

    @staticmethod
    async def _watch(body_read: asyncio.Event, receive: Receive,
                     handler: asyncio.Future[None]) -> bool:
        """True (and the handler cancelled) when the client disconnects mid-translation."""
        await body_read.wait()
        message = await receive()
        if message["type"] == "http.disconnect" and not handler.done():
            handler.cancel()
            return True
        return False


async def _answer_503(send: Send, timeout: float, path: str) -> None:
    seconds = f"{timeout:g}"
    body = json.dumps({"error": f"the translation took longer than the server's "
                       f"--request-timeout of {seconds} s; send less text or retry later",
                       "message": f"request timeout ({seconds} s) on {path}"}).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"),
                            (b"retry-after", b"30"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
