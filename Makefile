# Một Cửa Kiosk — run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
BIN   ?= bin
# no_animations: a focused field's blinking cursor costs ~19% of a core on
# software GL; migrated_fynedo: every widget update goes through fyne.Do.
TAGS  := no_animations,migrated_fynedo
# Fyne reads the locale from LANG and complains about C.UTF-8.
export LANG := vi_VN.UTF-8

# Debian packages: to build the cgo/OpenGL binary, and to run it headless.
DEB_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev
DEB_RUN   := xvfb libgl1-mesa-dri xdotool imagemagick

.PHONY: help deps build demo test check unit race e2e bench screenshot fmt clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (as root), or print the apt-get line
	@.ci/debian-deps $(DEB_BUILD) $(DEB_RUN)

build: deps ## build bin/kiosk (cgo, OpenGL)
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -ldflags "-X main.version=$$(git describe --always --dirty 2>/dev/null || echo dev)" -o $(BIN)/kiosk ./cmd/kiosk

demo: build ## run the kiosk on this display with the sample catalog
	$(BIN)/kiosk --demo

test: deps check unit race e2e ## everything CI runs: checks, unit, race and end-to-end tests

check: ## gofmt, go vet, and proof that only cmd/kiosk needs cgo
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	CGO_ENABLED=0 $(GO) vet -tags $(TAGS) ./kiosk/... ./ui/... ./assets/...

unit: ## all unit and UI tests, headless, without cgo
	CGO_ENABLED=0 $(GO) test -tags ci,$(TAGS) -count=1 ./...

race: ## the unit tests again under the race detector (needs gcc)
	CGO_ENABLED=1 $(GO) test -race -tags ci,$(TAGS) -count=1 ./...

e2e: build ## the real binary in a real window under Xvfb
	KIOSK_BIN=$(abspath $(BIN)/kiosk) $(GO) test -tags e2e -count=1 -run E2E -v ./cmd/kiosk/

screenshot: build ## refresh docs/screenshot.png from the real binary under Xvfb
	KIOSK_BIN=$(abspath $(BIN)/kiosk) SCREENSHOT=$(abspath docs/screenshot.png) $(GO) test -tags e2e -count=1 -run E2E ./cmd/kiosk/

bench: ## Go benchmarks, with figures
	$(GO) test -tags ci,$(TAGS) -run '^$$' -bench . -benchmem ./kiosk/...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output
	rm -rf $(BIN)
