"""Reading answers out of retrieved passages: question types, candidate spans, the fitted answer
models, and the replies that are not one fact (headlines, summaries, yes/no, small talk)."""
