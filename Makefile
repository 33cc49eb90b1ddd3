# Two commands: `make run` serves the demo, `make test` runs every test.
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTHON ?= python3
PORT ?= 5000

.PHONY: run test setup

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-cache-dir --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/installed

run: setup
	$(FLASK) db upgrade
	$(FLASK) seed demo
	@echo "招商引资项目管理平台: http://127.0.0.1:$(PORT)"
	CRM_SECURE_COOKIES=false $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(PY) -m pytest
