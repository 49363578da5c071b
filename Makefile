# Quick start: `make run` (operator console on the demo salon) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chat conversations bench bench-parse bench-reminders bench-turns score clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set everything up and start the bot (the console when no channel is configured)
run: $(STAMP)
	$(BIN)/booking-bot run

## test: set everything up and run the whole test suite (unit, conformance, PostgreSQL, conversations) on every core;
## each test makes its own database, schema, files and ports, so they run side by side
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal

chat: $(STAMP)
	$(BIN)/booking-bot chat

conversations: $(STAMP)
	$(BIN)/booking-bot test tests/conversations

score: $(STAMP)
	$(BIN)/python ../shared/nlu-dev/score.py --cmd "$(BIN)/booking-bot parse --jsonl"

## bench: every benchmark (reader, full turns, reminders, availability; SQLite and PostgreSQL) and one table
bench: $(STAMP)
	$(BIN)/python bench/all.py

bench-parse: $(STAMP)
	$(BIN)/python bench/parse_throughput.py

bench-reminders: $(STAMP)
	$(BIN)/python bench/reminders.py

## bench-turns: full turns through `booking-bot run` (signed Twilio webhooks, fake Twilio), beside a bare aiohttp handler
bench-turns: $(STAMP)
	$(BIN)/python bench/turns.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
