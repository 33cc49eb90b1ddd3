# Two commands: `make run` serves the demo, `make test` runs every test.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTHON ?= python3
PORT ?= 5000
# make run HOST=0.0.0.0 serves the intranet, PORT=… another port
HOST ?= 127.0.0.1

.PHONY: run test setup

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-cache-dir --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/installed

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed demo
	@echo "招商引资项目管理平台: http://$(HOST):$(PORT)"
	CRM_SECURE_COOKIES=false $(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest
