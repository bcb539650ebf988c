# Yiwu import pilot catalogue: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: run setup install test test-postgres lint format bench bench-spreadsheets \
	bench-pages bench-web-import bench-progress messages serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo --wholesalers 20 --listings 500 --seed 1 --if-empty
	$(BIN)/python manage.py catalogue_check --fix
	$(BIN)/python manage.py create_demo_accounts

# The development server with a background worker beside it (imports are jobs);
# Ctrl+C stops both.
run: setup
	$(BIN)/python manage.py run_with_worker -- manage.py runserver 127.0.0.1:$(PORT)

# The production configuration on this machine: DEBUG off, gunicorn, whitenoise.
# Plain HTTP on localhost only (no TLS here), so the HTTPS redirect is off.
SERVE_ENV = DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_TRUSTED_PROXY_COUNT=0

# No web request does long work (imports are jobs): a request still running after
# this many seconds is stuck, and gunicorn restarts its worker. The request line and
# headers are capped here, the body by the upload form (IMPORT_MAX_FILE_BYTES).
GUNICORN_TIMEOUT ?= 30
GUNICORN_LIMITS = --limit-request-line 4094 --limit-request-fields 100 \
	--limit-request-field_size 8190

serve: setup
	$(SERVE_ENV) $(BIN)/python manage.py check --deploy
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --no-input -v0
	$(SERVE_ENV) $(BIN)/python manage.py run_with_worker --workers $${JOB_WORKERS:-1} -- \
		$(BIN)/gunicorn yiwu_catalog.wsgi --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-2} --timeout $(GUNICORN_TIMEOUT) \
		--graceful-timeout $(GUNICORN_TIMEOUT) $(GUNICORN_LIMITS) --access-logfile -

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-location --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

# `make bench` runs every benchmark; `make bench BENCH=pages` (or spreadsheets) one.
# BENCH_ARGS go to the spreadsheet script, BENCH_PAGES_ARGS to the pages script
# (bench/pages_bench.py, the older fixed-URL pages benchmark, runs by hand).
# Results and how to read them: docs/benchmarks.md.
BENCH ?= spreadsheets pages web-import progress

bench: install
	@for name in $(BENCH); do $(MAKE) --no-print-directory bench-$$name || exit 1; done

bench-spreadsheets: install
	@echo "== Spreadsheet import and export: bench/spreadsheets.py (SQLite, then PostgreSQL) =="
	$(BIN)/python bench/spreadsheets.py $(BENCH_ARGS)

# Needs PostgreSQL, gunicorn (installed with the project) and wrk. Every catalogue page
# with random parameters and no page cache, against the bare view, at each size in
# BENCH_PAGES_SIZES; each database (BENCH_PAGES_DB_PREFIX + size) is created and seeded
# on the first run only and kept. BENCH_PAGES_ARGS go to bench/pages_random.py.
BENCH_PAGES_SIZES ?= 100k 1m
BENCH_PAGES_DB_PREFIX ?= postgres://postgres@127.0.0.1:5432/yiwu_bench_pages_

bench-pages: install
	@for size in $(BENCH_PAGES_SIZES); do \
		url="$(BENCH_PAGES_DB_PREFIX)$$size"; \
		listings=$$(echo $$size | sed -e 's/k$$/000/' -e 's/m$$/000000/'); \
		echo "== Catalogue pages at $$size listings: bench/pages_random.py ($$url) =="; \
		$(BIN)/python -c "import sys; sys.path.insert(0, 'bench'); \
			from spreadsheets import ensure_postgres_database as e; e('$$url')" || exit 1; \
		DATABASE_URL=$$url $(BIN)/python manage.py migrate --no-input -v0 || exit 1; \
		DATABASE_URL=$$url $(BIN)/python manage.py load_reference_data > /dev/null || exit 1; \
		DATABASE_URL=$$url $(BIN)/python manage.py seed_demo --wholesalers 2000 \
			--listings $$listings --seed 5 --if-empty || exit 1; \
		psql "$$url" -q -c "VACUUM ANALYZE" || exit 1; \
		DATABASE_URL=$$url $(BIN)/python bench/pages_random.py $(BENCH_PAGES_ARGS) || exit 1; \
	done

# Needs PostgreSQL: a 100,000-row import through the admin (upload, preview job,
# confirm job under gunicorn and db_worker) against catalogue_import.
bench-web-import: install
	@echo "== Import through the web as jobs: bench/web_import.py (PostgreSQL) =="
	$(BIN)/python bench/web_import.py $(BENCH_WEB_ARGS)

# The progress page's batch totals at 1,000,000 batch lines (SQLite, then
# PostgreSQL), against reading every line into Python; BENCH_PROGRESS_ARGS e.g.
# "--lines 100000 --databases sqlite".
bench-progress: install
	@echo "== Pilot progress batch totals: bench/progress.py =="
	$(BIN)/python bench/progress.py $(BENCH_PROGRESS_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
