"""The Telegram adapter: the only package that imports `telegram` (ruff's banned-api rule enforces it).

app.py builds the application (`build_application`) and runs it (`run`); commands.py is the command
table; questions.py, chat.py and admin.py hold the handlers; jobs.py the background jobs;
broadcast.py sends new-article alerts and digests; html.py writes Telegram's HTML; webhook.py serves
updates that are acknowledged only once handled.
"""

from bot.telegram.app import build_application, read_token, run

__all__ = ["build_application", "read_token", "run"]
