# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app strategitracker
PORT ?= 5000

TRANSLATIONS := strategitracker/translations

.PHONY: run test lint browser assets translations extract-messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: migrate the embedded SQLite database, load the Thisted case and serve on http://127.0.0.1:$(PORT)
run: $(STAMP) translations assets
	$(FLASK) db upgrade
	$(FLASK) seed thisted
	@echo "Reminder e-mails: run '$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025' in another terminal, then"
	@echo "  MAIL_SERVER=127.0.0.1 MAIL_PORT=8025 $(FLASK) reminders send   (it prints the e-mails it receives)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## test: the whole pytest suite (SQLite, or the database named by DATABASE_URL)
test: $(STAMP) translations browser
	$(BIN)/pytest

## assets: npm's packages for the app (plotly.js's basic bundle); without npm the full bundle is served
assets:
	@./scripts/ensure-assets.sh

## browser: Chromium and axe-core for the browser tests
browser:
	@./scripts/ensure-browser.sh

## translations: compile the .po catalogues (Danish default, English second)
translations: $(STAMP)
	@$(BIN)/pybabel compile -d $(TRANSLATIONS) >/dev/null

## extract-messages: refresh the catalogues after UI text changed
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

## lint: ruff (style, complexity ≤ 10) and the import-linter contracts of the layers
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules
