# Vigil — the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
APT_TEST_DEPS := pdftotext:poppler-utils pdftoppm:poppler-utils chromium:chromium

.PHONY: run test test-random lint mail bench clean help synth test-infra deploy-rehearsal agent

help:
	@echo "make run    start embedded AWS + API on http://127.0.0.1:8000 + console on :8080 + scheduler, with demo data"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff (lint + format check) and mypy: the gate CI runs first"
	@echo "make test-random  the suite in a random order (pytest-randomly; SEED=n repeats an order)"
	@echo "make mail   list the mail sent by a running 'make run'"
	@echo "make bench  measure import time, DynamoDB calls per route, ... -> bench/results.json"
	@echo "make agent  build the host agent build/downloads/vigil-agent.pyz (+ .sha256); make run serves it itself"
	@echo "make synth  synthesize the AWS stack offline -> infra/cdk.out/prod.template.json"
	@echo "make test-infra  synth + template/IAM/packaging assertions + cfn-lint + checkov"
	@echo "make deploy-rehearsal  SAM transform + create the stack in moto's CloudFormation, compare with the app"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

agent: $(STAMP)
	$(BIN)/python -m chalicelib.hosts.agent_package build/downloads

run: $(STAMP)
	$(BIN)/python -m chalicelib.local.run

test: $(STAMP)
	@scripts/ensure-apt.sh $(APT_TEST_DEPS)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -p no:randomly tests

test-random: $(STAMP)
	@scripts/ensure-apt.sh $(APT_TEST_DEPS)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(if $(SEED),--randomly-seed=$(SEED)) tests

LINT_PATHS := app.py chalicelib agent bench tests scripts infra/vigil_infra infra/tests infra/app.py

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy app.py chalicelib agent bench tests

mail: $(STAMP)
	@$(BIN)/python -m chalicelib.local.mailbox

bench: $(STAMP)
	$(BIN)/python -m bench

# Infrastructure (docs/deploy.md): CDK lives in its own venv, checkov in another (old botocore pin).
# `chalice package` builds the layer for, and names as Lambda runtime, the Python that runs it:
# python3.12 (Amazon Linux 2023, glibc 2.34: the manylinux_2_28 wheels of Pillow & co. load).
INFRA_PYVER   ?= 3.12
INFRA_PYTHON  ?= $(shell for p in python$(INFRA_PYVER) $$(pyenv root 2>/dev/null)/versions/$(INFRA_PYVER)*/bin/python$(INFRA_PYVER); do \
                   "$$p" -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
INFRA_VENV    := .venv-infra
INFRA_STAMP   := $(INFRA_VENV)/.installed-$(shell echo $(INFRA_PYVER) | cat - requirements.txt infra/requirements.txt | cksum | cut -d' ' -f1)
REHEARSAL_STAMP := $(INFRA_VENV)/.rehearsal-$(shell cat infra/requirements-rehearsal.txt | cksum | cut -d' ' -f1)
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell cat infra/requirements-checkov.txt | cksum | cut -d' ' -f1)
INFRA_REGION  ?= eu-central-1
TEMPLATE      := infra/cdk.out/prod.template.json

$(INFRA_STAMP): requirements.txt infra/requirements.txt
	@test -n "$(INFRA_PYTHON)" || { echo "Python $(INFRA_PYVER) is needed for the Lambda package (docs/deploy.md)"; exit 1; }
	@$(INFRA_VENV)/bin/python -c 'import sys; sys.exit(f"{sys.version_info[0]}.{sys.version_info[1]}" != "$(INFRA_PYVER)")' 2>/dev/null || rm -rf $(INFRA_VENV)
	@test -x $(INFRA_VENV)/bin/python || $(INFRA_PYTHON) -m venv $(INFRA_VENV)
	$(INFRA_VENV)/bin/python -m pip install --disable-pip-version-check -q -r infra/requirements.txt
	@rm -f $(INFRA_VENV)/.installed-*
	@touch $@

$(CHECKOV_STAMP): infra/requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --disable-pip-version-check -q -r infra/requirements-checkov.txt
	@rm -f $(CHECKOV_VENV)/.installed-*
	@touch $@

# Offline (no AWS credentials); `chalice package` inside pip-downloads the Lambda wheels.
synth: $(INFRA_STAMP)
	AWS_DEFAULT_REGION=$(INFRA_REGION) $(INFRA_VENV)/bin/python infra/app.py

test-infra: synth $(CHECKOV_STAMP) $(REHEARSAL_STAMP)
	cd infra && AWS_DEFAULT_REGION=$(INFRA_REGION) ../$(INFRA_VENV)/bin/python -m pytest -q
	$(INFRA_VENV)/bin/cfn-lint $(TEMPLATE)
	$(CHECKOV_VENV)/bin/python infra/checkov_gate.py $(CHECKOV_VENV)/bin/checkov $(TEMPLATE)
	AWS_DEFAULT_REGION=$(INFRA_REGION) $(INFRA_VENV)/bin/python -W ignore infra/rehearsal.py

$(REHEARSAL_STAMP): $(INFRA_STAMP) infra/requirements-rehearsal.txt
	$(INFRA_VENV)/bin/python -m pip install --disable-pip-version-check -q -r infra/requirements-rehearsal.txt
	@rm -f $(INFRA_VENV)/.rehearsal-*
	@touch $@

# No AWS: what CloudFormation would do with the synthesized template, in moto (infra/rehearsal.py).
deploy-rehearsal: synth $(REHEARSAL_STAMP)
	AWS_DEFAULT_REGION=$(INFRA_REGION) $(INFRA_VENV)/bin/python -W ignore infra/rehearsal.py

clean:
	rm -rf $(VENV) .pytest_cache bench/results.json tests/artifacts .venv-openapi-client .venv-openapi-client.lock
	rm -rf $(INFRA_VENV) $(CHECKOV_VENV) infra/cdk.out infra/cdk.out.work
