# The two commands of the README: `make run` (set up, then the main job) and `make test` (the suite,
# with a throwaway PostgreSQL server: pgserver's PostgreSQL 16 + pgvector, a dev dependency).
.PHONY: setup run test lint bench bench-compare

setup:
	@./scripts/setup.sh

run: setup
	@.venv/bin/newsbot start

test: setup
	./scripts/postgres.sh run .venv/bin/python -m pytest -q

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench: setup
	.venv/bin/python -m pip install -q -e ".[dev,bench]"
	.venv/bin/python benchmarks/scale.py
	.venv/bin/python benchmarks/realtimeqa.py
	.venv/bin/python benchmarks/encoders.py --distractors 400
	.venv/bin/python benchmarks/embed_kernels.py
	.venv/bin/python benchmarks/startup.py
	.venv/bin/python benchmarks/peer.py
	.venv/bin/python benchmarks/ann.py
	.venv/bin/python benchmarks/before_after.py
	.venv/bin/python benchmarks/bot_latency.py --users 10
	.venv/bin/python benchmarks/bot_latency.py --users 50 --questions 600 --rate 1000
	.venv/bin/python benchmarks/bot_latency.py --users 50 --questions 600 --rate 30
	.venv/bin/python benchmarks/broadcast.py
	./scripts/postgres.sh run .venv/bin/python benchmarks/replicas.py

# the performance figures side by side with the previous stop's code and txtai, ~30 min once the
# embedding caches exist (the first `make bench` fills them)
bench-compare: setup
	.venv/bin/python -m pip install -q -e ".[dev,bench]"
	.venv/bin/python benchmarks/scale.py --sizes 100000,1000000 --sizes-only
	.venv/bin/python benchmarks/before_after.py
	.venv/bin/python benchmarks/peer.py
	.venv/bin/python benchmarks/ann.py --cached-only
