# The two commands of the README: `make demo` and `make test`. Only python3 and pip are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_ENV := MINSHENG_DEMO=1

.PHONY: install demo test lint check clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	mkdir -p var
	$(DEMO_ENV) $(BIN)/minsheng migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/minsheng load_demo
	$(DEMO_ENV) $(BIN)/minsheng collectstatic --noinput -v0
	@echo ""
	@echo "民生 · 接诉即办 演示：http://127.0.0.1:$(PORT)/  （群众查询：http://127.0.0.1:$(PORT)/m/）"
	@echo ""
	$(DEMO_ENV) $(BIN)/minsheng serve --bind 127.0.0.1:$(PORT) --workers 2

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MINSHENG_DEBUG=1 $(BIN)/minsheng makemigrations --check --dry-run
	MINSHENG_DEBUG=1 $(BIN)/minsheng check

check: lint test

clean:
	rm -rf $(VENV) var/static
