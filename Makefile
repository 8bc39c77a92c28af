# The two commands of the README: `make demo` and `make test`. Only python3 and pip are needed.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo's SMS go to the worker's log and to var/sms-outbox.log (console gateway).
DEMO_ENV := MINSHENG_DEMO=1 MINSHENG_PUBLIC_URL=http://127.0.0.1:$(PORT) \
	MINSHENG_SMS_OUTBOX_FILE=var/sms-outbox.log

.PHONY: install demo test lint check clean

# pip's notes about unreachable extra indexes of a machine's configuration are left out.
QUIET_PIP := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

$(VENV)/.installed: pyproject.toml constraints.txt
	@echo "安装依赖到 $(VENV)（首次约需一两分钟）…"
	$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip $(QUIET_PIP)
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' $(QUIET_PIP)
	touch $@

# This clone's own settings for `minsheng …` commands (ignored by git): a generated secret key
# and the demo database. Production sets its variables itself (README, "Running it for real").
.env:
	@$(PYTHON) -c "import secrets, pathlib; root = pathlib.Path.cwd(); \
	pathlib.Path('.env').write_text( \
	'# Written by make install for this clone; production sets its own variables.\n' \
	f'MINSHENG_SECRET_KEY={secrets.token_urlsafe(48)}\n' \
	'MINSHENG_DEMO=1\n' \
	f'DATABASE_URL=sqlite:///{root}/var/minsheng.sqlite3\n')"
	@echo "已生成 .env（本地密钥与演示数据库），minsheng 命令可直接使用。"

install: $(VENV)/.installed .env

demo: install
	mkdir -p var
	$(DEMO_ENV) $(BIN)/minsheng migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/minsheng load_demo
	$(DEMO_ENV) $(BIN)/minsheng collectstatic --noinput -v0
	@echo ""
	@echo "民生 · 接诉即办 演示：http://127.0.0.1:$(PORT)/  （群众查询：http://127.0.0.1:$(PORT)/m/）"
	@echo "后台任务（时限扫描、短信、webhook）随演示一起运行；短信见 var/sms-outbox.log"
	@echo ""
	$(DEMO_ENV) $(BIN)/minsheng worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/minsheng serve --bind 127.0.0.1:$(PORT) --workers 2

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MINSHENG_DEBUG=1 $(BIN)/lint-imports
	MINSHENG_DEBUG=1 $(BIN)/mypy minsheng config
	MINSHENG_DEBUG=1 $(BIN)/minsheng makemigrations --check --dry-run
	MINSHENG_DEBUG=1 $(BIN)/minsheng check

check: lint test

clean:
	rm -rf $(VENV) var/static
