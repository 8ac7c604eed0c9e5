"""A fake Telegram Bot API server on 127.0.0.1 (aiohttp), spoken to over real HTTP by PTB.

It answers the methods newsbot uses with Telegram's shapes: `{"ok": true, "result": ...}` or
`{"ok": false, "error_code", "description", "parameters"}`; it long-polls getUpdates, rejects
invalid HTML and over-long texts like Telegram does, and lets tests queue updates and inject
errors (400/403/409/429 with retry_after, migrate_to_chat_id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 4242
BOT_USERNAME = "newsbot_test_bot"
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:=\"[^\"]*\"|='[^']*'|=[^\s>]+)?)*)\s*>")


async def serve_local(app: web.Application) -> tuple[web.AppRunner, int]:
    """Serve an aiohttp app on a free port of 127.0.0.1; return its runner and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


class ApiError(Exception):
    """An error the fake answers with."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def html_text_length(text: str) -> int:
    """Return the visible length (UTF-16 units) of Telegram HTML, or raise ApiError like Telegram."""
    visible: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if not m:
                raise ApiError(
                    400, f"Bad Request: can't parse entities: Unexpected character at byte offset {i}"
                )
            closing, name = m.group(1), m.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise ApiError(
                    400,
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte offset {i}',
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise ApiError(
                        400,
                        f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{name}\"",
                    )
                stack.pop()
            else:
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if not m:
                raise ApiError(
                    400, f"Bad Request: can't parse entities: Character entity expected at byte offset {i}"
                )
            visible.append("x")
            i = m.end()
        elif ch == ">":
            raise ApiError(400, f"Bad Request: can't parse entities: Unexpected end tag at byte offset {i}")
        else:
            visible.append(ch)
            i += 1
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"",
        )
    return len("".join(visible).encode("utf-16-le")) // 2


@dataclass
class Sent:
    """A message the bot sent (or edited)."""

    chat_id: int
    message_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    at: float = field(default_factory=time.monotonic)
    edits: list[str] = field(default_factory=list)
    preview: bool = True  # link previews shown (link_preview_options.is_disabled not set)
    photo: str | None = None  # sendPhoto: the photo's URL (text is then the caption)

    def buttons(self) -> list[tuple[str, str]]:
        """Return (label, callback_data) of each inline button."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class Injected:
    method: str
    error: ApiError
    chat_id: int | None
    times: int


class FakeBotApi:
    """The server; start() it, then point PTB's base_url at `base_url`."""

    def __init__(self, token: str = "123456:TEST-token-abcdefghijklmnopqrstuv") -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.sent: list[Sent] = []
        self.actions: list[tuple[int, str]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.inline_answers: dict[str, list[dict[str, Any]]] = {}  # inline query id -> its results
        self.channels: dict[str, tuple[int, str]] = {}  # "@name" -> (chat id, the bot's status there)
        self.group_admins: dict[int, set[int]] = {}  # group chat id -> its administrators' user ids
        self.files: dict[str, bytes] = {}  # file_id -> what a user sent (documents)
        self.documents: list[tuple[int, str, bytes]] = []  # (chat id, file name, bytes) the bot sent
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.connections: list[tuple[str, int | None]] = []  # (method, the client's port) per call
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self._injected: list[Injected] = []
        self.webhook: dict[str, Any] | None = None
        self.deliver_webhooks = (
            False  # True: POST updates to the webhook URL like Telegram, retrying failures
        )
        self.webhook_failures = 0
        self.send_delay_s = 0.0  # how long each sendMessage takes (to catch a broadcast mid-way)
        self.photo_delay_s = 0.0  # how long each sendPhoto takes; it is sent even if the bot gave up waiting
        self.sending = 0  # sendMessage calls being answered now
        self.most_sending = 0  # the most answered at once
        self._webhook_slots = asyncio.Semaphore(40)  # Telegram's default max_connections
        self._client: Any = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._next_update = 1
        self._next_message: dict[int, int] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._file)
        self._runner, self.port = await serve_local(app)

    async def stop(self) -> None:
        for task in list(self._deliveries):
            task.cancel()
        if self._client is not None:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # -- what tests do -------------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        code: int,
        description: str,
        *,
        parameters: dict[str, Any] | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of method (to chat_id, if given) fail with this error."""
        self._injected.append(Injected(method, ApiError(code, description, parameters), chat_id, times))

    async def push(self, update: dict[str, Any]) -> int:
        async with self._changed:
            update = {"update_id": self._next_update, **update}
            self._next_update += 1
            if self.webhook is not None and self.deliver_webhooks:
                task = asyncio.ensure_future(self._post_to_webhook(update))
                self._deliveries.add(task)
                task.add_done_callback(self._deliveries.discard)
            else:
                self.updates.append(update)
            self._changed.notify_all()
        return update["update_id"]

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        """Deliver one update like Telegram: POST with the secret header, retried until a 2xx."""
        import aiohttp

        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        async with self._webhook_slots:
            while self.webhook is not None:
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook.get("secret_token") or ""}
                try:
                    async with self._client.post(self.webhook["url"], json=update, headers=headers) as resp:
                        if resp.status < 300:
                            return
                except (aiohttp.ClientError, TimeoutError):
                    pass
                self.webhook_failures += 1
                await asyncio.sleep(0.2)

    async def message(
        self,
        text: str,
        *,
        chat_id: int = 1001,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to: Sent | None = None,
        edited: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Queue a user's message; return its message_id."""
        user_id = user_id if user_id is not None else chat_id
        message_id = self._new_message_id(chat_id)
        msg: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": chat_type,
                **({"title": "Group"} if chat_type != "private" else {"first_name": "U"}),
            },
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
        }
        if text:
            msg["text"] = text
            entities = []
            if text.startswith("/"):
                entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
            for m in re.finditer(r"@\w+", text):
                entities.append({"type": "mention", "offset": m.start(), "length": len(m.group())})
            if entities:
                msg["entities"] = entities
        if reply_to is not None:
            msg["reply_to_message"] = {
                "message_id": reply_to.message_id,
                "date": int(time.time()),
                "text": reply_to.text,
                "chat": msg["chat"],
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "News", "username": BOT_USERNAME},
            }
        msg.update(extra or {})
        await self.push({"edited_message" if edited else "message": msg})
        return message_id

    async def press(
        self,
        sent: Sent,
        data: str,
        *,
        user_id: int | None = None,
        inaccessible: bool = False,
        chat_type: str = "private",
    ) -> None:
        """Queue a press on an inline button of a message the bot sent; `inaccessible`: as Telegram sends
        a press on a message too old for the bot to see (an InaccessibleMessage: date 0, no text)."""
        if inaccessible:
            message = {
                "message_id": sent.message_id,
                "date": 0,
                "chat": {"id": sent.chat_id, "type": chat_type, "first_name": "U"},
            }
            await self.push(
                {
                    "callback_query": {
                        "id": str(time.monotonic_ns()),
                        "chat_instance": "ci",
                        "data": data,
                        "from": {"id": user_id or sent.chat_id, "is_bot": False, "first_name": "U"},
                        "message": message,
                    }
                }
            )
            return
        await self.push(
            {
                "callback_query": {
                    "id": str(time.monotonic_ns()),
                    "chat_instance": "ci",
                    "data": data,
                    "from": {"id": user_id or sent.chat_id, "is_bot": False, "first_name": "U"},
                    "message": {
                        "message_id": sent.message_id,
                        "date": int(time.time()),
                        "text": sent.text,
                        "chat": {"id": sent.chat_id, "type": chat_type, "first_name": "U"},
                    },
                }
            }
        )

    async def wait_sent(
        self, predicate: Callable[[Sent], bool], *, timeout: float = 20.0, count: int = 1
    ) -> list[Sent]:
        """Wait until `count` sent messages satisfy predicate; return them."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = [s for s in self.sent if predicate(s)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    texts = [(s.chat_id, s.text[:80]) for s in self.sent[-10:]]
                    raise AssertionError(f"timed out waiting for {count} message(s); last sent: {texts}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    # -- the API ----------------------------------------------------------------------------------

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message[chat_id] = self._next_message.get(chat_id, 0) + 1
        return self._next_message[chat_id]

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            params = dict(await request.post())
        self.calls.append((method, params))
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.connections.append((method, peer[1] if peer else None))
        try:
            self._maybe_fail(method, params)
            handler = getattr(self, f"api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as exc:
            body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.code)
        return web.json_response({"ok": True, "result": result})

    def _maybe_fail(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        chat_id = int(chat) if chat not in (None, "") and str(chat).lstrip("-").isdigit() else None
        if chat_id is not None and method.startswith("send"):
            if chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat_id in self.migrated:
                raise ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[chat_id]},
                )
        for inj in self._injected:
            if inj.method == method and inj.times > 0 and (inj.chat_id is None or inj.chat_id == chat_id):
                inj.times -= 1
                raise inj.error

    async def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "News",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _channel(self, chat: object) -> tuple[str, int, str]:
        for name, (chat_id, status) in self.channels.items():
            if str(chat) in (name, str(chat_id)):
                return name, chat_id, status
        raise ApiError(400, "Bad Request: chat not found")

    async def api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        name, chat_id, _ = self._channel(params["chat_id"])
        return {
            "id": chat_id,
            "type": "channel",
            "title": name.lstrip("@").title(),
            "username": name.lstrip("@"),
            "accent_color_id": 0,
            "max_reaction_count": 11,
        }

    async def api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        group = int(params["chat_id"]) if str(params["chat_id"]).lstrip("-").isdigit() else None
        if group in self.group_admins:
            uid = int(params["user_id"])
            member = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
            if uid in self.group_admins[group]:
                return {
                    "status": "administrator",
                    "user": member,
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            return {"status": "member", "user": member}
        _, _, status = self._channel(params["chat_id"])
        user = {"id": int(params["user_id"]), "is_bot": True, "first_name": "News", "username": BOT_USERNAME}
        if status == "administrator":
            rights = dict.fromkeys(
                [
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ],
                False,
            )
            return {"status": "administrator", "user": user, **rights, "can_post_messages": True}
        return {"status": status, "user": user}

    async def channel_post(
        self, text: str, *, chat_id: int, forward_from: dict[str, Any] | None = None
    ) -> int:
        """Queue a post in a channel where the bot is (an administrator); return its message_id."""
        message_id = self._new_message_id(chat_id)
        post: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "channel", "title": "Channel"},
            "sender_chat": {"id": chat_id, "type": "channel", "title": "Channel"},
        }
        if text.startswith("/"):
            post["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.push({"channel_post": post})
        return message_id

    async def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        return True

    async def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None and self.deliver_webhooks:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        async with self._changed:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
            return self.updates[:limit]

    def _check_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        length = (
            html_text_length(text)
            if params.get("parse_mode") == "HTML"
            else len(text.encode("utf-16-le")) // 2
        )
        if length > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        if markup:
            markup = json.loads(markup) if isinstance(markup, str) else markup
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if len(button.get("callback_data", "").encode()) > 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return text

    def _record(self, sent: Sent) -> None:
        """Keep a sent message and wake whoever waits for one (call holding self._changed)."""
        self.sent.append(sent)
        self._changed.notify_all()

    async def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = self._check_text(params)
        chat_id = int(params["chat_id"])
        self.sending += 1
        self.most_sending = max(self.most_sending, self.sending)
        try:
            if self.send_delay_s:
                await asyncio.sleep(self.send_delay_s)
        finally:
            self.sending -= 1
        markup = params.get("reply_markup")
        reply = params.get("reply_parameters")
        reply_to = json.loads(reply).get("message_id") if isinstance(reply, str) else None
        async with self._changed:
            sent = Sent(
                chat_id,
                self._new_message_id(chat_id),
                text,
                params.get("parse_mode"),
                json.loads(markup) if isinstance(markup, str) else markup,
                reply_to,
            )
            options = params.get("link_preview_options")
            options = json.loads(options) if isinstance(options, str) else options or {}
            sent.preview = not options.get("is_disabled", False)
            self._record(sent)
        return self._message_json(sent)

    async def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = str(params.get("photo", ""))
        if "unreachable" in photo:  # what Telegram answers when it cannot fetch the URL
            raise ApiError(400, "Bad Request: wrong type of the web page content")
        caption = {**params, "text": params.get("caption", "")}
        text = self._check_text(caption)
        if html_text_length(text) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        if self.photo_delay_s:  # Telegram finishes a slow send whether or not the caller still waits
            done = asyncio.ensure_future(self._send_photo_later(params, photo, text))
            self._deliveries.add(done)
            done.add_done_callback(self._deliveries.discard)
            return await asyncio.shield(done)
        return await self._send_photo_later(params, photo, text, delay=False)

    async def _send_photo_later(
        self, params: dict[str, Any], photo: str, text: str, *, delay: bool = True
    ) -> dict[str, Any]:
        if delay:
            await asyncio.sleep(self.photo_delay_s)
        chat_id = int(params["chat_id"])
        async with self._changed:
            sent = Sent(
                chat_id,
                self._new_message_id(chat_id),
                text,
                params.get("parse_mode"),
                None,
                None,
                photo=photo,
            )
            self._record(sent)
        message = self._message_json(sent)
        message["caption"] = message.pop("text")
        message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
        return message

    async def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        text = self._check_text(params)
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        async with self._changed:
            for sent in self.sent:
                if sent.chat_id == chat_id and sent.message_id == message_id:
                    if sent.text == text:
                        raise ApiError(
                            400,
                            "Bad Request: message is not modified: specified new message content "
                            "and reply markup are exactly the same as a current content and reply markup of the message",
                        )
                    sent.edits.append(sent.text)
                    sent.text = text
                    self._changed.notify_all()
                    return self._message_json(sent)
        raise ApiError(400, "Bad Request: message to edit not found")

    async def api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self.actions.append((int(params["chat_id"]), str(params["action"])))
        return True

    async def api_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        results = params.get("results", "[]")
        results = json.loads(results) if isinstance(results, str) else results
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        async with self._changed:
            self.inline_answers[str(params["inline_query_id"])] = results
            self._changed.notify_all()
        return True

    async def inline(self, query: str, *, user_id: int = 1001, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Send an inline query (@bot query) and return the results the bot answers it with."""
        query_id = str(time.monotonic_ns())
        await self.push(
            {
                "inline_query": {
                    "id": query_id,
                    "from": {"id": user_id, "is_bot": False, "first_name": "U"},
                    "query": query,
                    "offset": "",
                }
            }
        )
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: query_id in self.inline_answers), timeout)
        return self.inline_answers[query_id]

    async def document(
        self, data: bytes, file_name: str, *, chat_id: int, mime_type: str = "text/xml"
    ) -> int:
        """Queue a user's message holding a document (a file); return its message_id."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = data
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        return await self.message("", chat_id=chat_id, extra={"document": document})

    async def api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rpartition("/")[2]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    async def api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        upload = params["document"]
        name, data = getattr(upload, "filename", "file"), upload.file.read()
        async with self._changed:
            self.documents.append((chat_id, name, data))
            sent = Sent(
                chat_id, self._new_message_id(chat_id), str(params.get("caption", "")), None, None, None
            )
            self._record(sent)
        message = self._message_json(sent)
        message["caption"] = message.pop("text")
        message["document"] = {"file_id": "sent", "file_unique_id": "sent", "file_name": name}
        return message

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        self.callback_answers.append(params)
        return True

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        return {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "text": sent.text,
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "News", "username": BOT_USERNAME},
        }
