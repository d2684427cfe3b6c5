# hotich — two commands: `make run` (set up + digitize the sample scans) and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng poppler-utils fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf postgresql chromium
SAMPLES := data/sample_scans
export OMP_THREAD_LIMIT := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 180
export PREFECT_HOME := $(CURDIR)/.prefect

.PHONY: setup system-deps venv run test lint bench clean

setup: system-deps venv

# System packages, installed only when missing (Debian/Ubuntu; needs root or sudo).
system-deps:
	@missing=""; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || [ -f /usr/share/tesseract-ocr/4.00/tessdata/vie.traineddata ] || missing="$$missing tesseract-ocr-vie"; \
	[ -f /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || [ -f /usr/share/tesseract-ocr/4.00/tessdata/eng.traineddata ] || missing="$$missing tesseract-ocr-eng"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	[ -d /usr/share/fonts/truetype/liberation2 ] || missing="$$missing fonts-liberation2"; \
	[ -d /usr/share/fonts/truetype/freefont ] || missing="$$missing fonts-freefont-ttf"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	( command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ) || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

run: setup
	$(BIN)/hotich run $(SAMPLES)
	$(BIN)/hotich dedup --register khai_sinh
	$(BIN)/hotich export --format jsonl --include-unreviewed --out exports/records.jsonl
	$(BIN)/hotich report

test: setup
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/ocr_bench.py

clean:
	rm -rf $(VENV) .prefect hotich.db hotich.db-* quarantine exports *.egg-info
