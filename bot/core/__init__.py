"""The application core, free of Telegram: the Newsbot service (store, index, engine, leadership), the bot's
tables (subscriptions, replies, outbox, counters, question limits) and their schema, topic matching and
the health check."""
