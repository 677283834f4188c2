# Two commands: `make run` (the shop with demo data on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test install lint bench bench-images clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The browser tests check every page with axe-core, from the npm registry (needs npm; without
# it the browser tests say how to get it, and CI fails).
AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null; then \
		cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the browser tests need it for axe-core (apt-get install npm)"; fi

install: $(STAMP) $(AXE)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The load benchmark (see the README): needs BENCH_DATABASE_URL and BENCH_REDIS_URL, and wrk.
bench: install
	$(BIN)/python -m bench.run

bench-images: install
	$(BIN)/python bench/images.py

clean:
	rm -rf $(VENV) db.sqlite3 media private-media staticfiles artifacts tests/e2e/node_modules
