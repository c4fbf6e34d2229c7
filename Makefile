# Vigil — the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
APT_TEST_DEPS := pdftotext:poppler-utils pdftoppm:poppler-utils chromium:chromium

.PHONY: run test mail bench clean help

help:
	@echo "make run    start embedded AWS + API on http://127.0.0.1:8000 + console on :8080 + scheduler, with demo data"
	@echo "make test   run the whole test suite"
	@echo "make mail   list the mail sent by a running 'make run'"
	@echo "make bench  measure import time, DynamoDB calls per route, ... -> bench/results.json"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/python -m chalicelib.local.run

test: $(STAMP)
	@scripts/ensure-apt.sh $(APT_TEST_DEPS)
	$(BIN)/python -m pytest -q -n 2 tests

mail: $(STAMP)
	@$(BIN)/python -m chalicelib.local.mailbox

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache bench/results.json tests/artifacts
