# Một Cửa Kiosk — run `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
BIN   ?= bin
# no_animations: a focused field's blinking cursor costs ~19% of a core on
# software GL; migrated_fynedo: every widget update goes through fyne.Do.
TAGS  := no_animations,migrated_fynedo
# Fyne reads the locale from LANG and complains about C.UTF-8.
export LANG := vi_VN.UTF-8

# Debian packages: to build the cgo/OpenGL binary, and to run it headless;
# espeak-ng reads the steps aloud in Vietnamese (without it the kiosk hides
# its read-aloud buttons).
DEB_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev
DEB_RUN   := xvfb libgl1-mesa-dri xdotool imagemagick espeak-ng
# Tests only: zbarimg reads the kiosk's QR codes back; headless Chromium
# plays the citizen's phone on the link pages; qpdf and pdfinfo check the
# receipt's PDF.
DEB_TEST  := zbar-tools chromium qpdf poppler-utils
# make package only: the Windows cross-compiler, and file to check what it made.
DEB_PACKAGE := gcc-mingw-w64-x86-64 file xz-utils

# The fyne tool packages the kiosk. It is installed here, one folder per
# version, so a new version is installed beside the old, never mixed up.
FYNE_TOOL := v1.7.4
FYNE      := $(BIN)/tools/fyne-$(FYNE_TOOL)/fyne

.PHONY: help deps test-deps package-deps build control-build package demo sim test check unit race e2e reliability reliability-short bench screenshot lint-api fmt clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (as root), or print the apt-get line
	@.ci/debian-deps $(DEB_BUILD) $(DEB_RUN)

test-deps: ## deps, and what the tests also use (zbarimg, Chromium, qpdf, pdfinfo)
	@.ci/debian-deps $(DEB_BUILD) $(DEB_RUN) $(DEB_TEST)

package-deps: ## deps, and what make package also uses (mingw-w64, file)
	@.ci/debian-deps $(DEB_BUILD) $(DEB_PACKAGE)

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

build: deps ## build bin/kiosk (cgo, OpenGL) and bin/centralsim
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -ldflags "-X main.version=$(VERSION)" -o $(BIN)/kiosk ./cmd/kiosk
	CGO_ENABLED=0 $(GO) build -o $(BIN)/centralsim ./cmd/centralsim

# fyne package rewrites the source it packages (Build in FyneApp.toml,
# fyne.syso beside main), so .ci/package works on a copy: see there.
package: package-deps $(FYNE) ## the Linux archive (fyne package) and the Windows .exe (mingw-w64) in dist/
	GO=$(GO) FYNE=$(abspath $(FYNE)) TAGS=$(TAGS) VERSION=$(VERSION) DIST=dist .ci/package

$(FYNE):
	GOBIN=$(abspath $(dir $(FYNE))) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOL)

demo: build ## run the kiosk on this display, with the reference central server inside it
	$(BIN)/kiosk --demo

sim: ## run the reference central server on 127.0.0.1:8787 (data in centralsim.db)
	$(GO) run ./cmd/centralsim -addr 127.0.0.1:8787 -data centralsim.db

test: test-deps check unit race e2e ## everything CI runs: checks, unit, race and end-to-end tests

check: ## gofmt, go vet, and proof that only cmd/kiosk needs cgo
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...
	CGO_ENABLED=0 $(GO) vet -tags $(TAGS) ./kiosk/... ./ui/... ./assets/...

unit: ## all unit and UI tests, headless, without cgo
	CGO_ENABLED=0 $(GO) test -tags ci,$(TAGS) -count=1 ./...
	CGO_ENABLED=0 $(GO) test -tags ci,bench,$(TAGS) -count=1 -run Bench ./ui/ ./cmd/kiosk/

race: ## the unit tests again under the race detector (needs gcc)
	CGO_ENABLED=1 $(GO) test -race -tags ci,$(TAGS) -count=1 ./...

e2e: build ## the real binary in a real window under Xvfb
	KIOSK_BIN=$(abspath $(BIN)/kiosk) $(GO) test -tags e2e -count=1 -run E2E -v ./cmd/kiosk/

screenshot: build ## refresh docs/screenshot.png from the real binary under Xvfb
	KIOSK_BIN=$(abspath $(BIN)/kiosk) SCREENSHOT=$(abspath docs/screenshot.png) $(GO) test -tags e2e -count=1 -run E2E ./cmd/kiosk/

# make reliability: cmd/reliability runs the tests that log a RELIABILITY
# line (crash, faults, privacy, access) and fuzzes every Fuzz target for a
# fixed time, then prints one table: every row must show 0 lost,
# 0 duplicated, 0 corrupt, 0 crashes, 0 personal-data hits. The crash test
# of the real kiosk (cmd/kiosk/crash_test.go) kills the control build
# (-tags bench) under Xvfb: both targets build it first. The fuzz cache
# goes to a temporary folder: a passing run leaves the tree clean.
CONTROL_BIN := $(BIN)/kiosk-bench

control-build: deps ## the kiosk with its standard-input control channel (-tags bench), for make bench and make reliability
	CGO_ENABLED=1 $(GO) build -tags bench,$(TAGS) -ldflags "-X main.version=$(VERSION)" -o $(CONTROL_BIN) ./cmd/kiosk

reliability: control-build ## the reliability table: 200 SIGKILLs of the real kiosk and of its store, 500 faulty dossiers, 20 s per fuzz target, privacy, access (≈ 12 min on 2 cores)
	KIOSK_CRASH_BIN=$(abspath $(CONTROL_BIN)) CGO_ENABLED=0 $(GO) run ./cmd/reliability -go $(GO) -tags ci,bench,$(TAGS)

reliability-short: control-build ## the same table, short, as CI runs it: 20 SIGKILLs each, 100 dossiers, 3 s per fuzz target (≈ 2 min)
	KIOSK_CRASH_BIN=$(abspath $(CONTROL_BIN)) CGO_ENABLED=0 $(GO) run ./cmd/reliability -short -go $(GO) -tags ci,bench,$(TAGS)

# make bench: the kiosk beside a Chromium kiosk on bench/home.html, both
# under one Xvfb (start-up, memory, idle CPU), then the Go benchmarks; one
# table with budgets, raw samples in bench/results.json. The kiosk is the
# bench build: -tags bench adds its stdin control (cmd/kiosk/benchctl.go),
# which drives the scripted journey and the QR screen.
bench: test-deps control-build ## the figures and their budgets: kiosk vs Chromium kiosk, Go benchmarks (≈ 5 min on 2 cores)
	$(GO) run ./cmd/kioskbench -kiosk $(CONTROL_BIN) -page bench/home.html -out bench/results.json -runs 5 -mem-runs 3

lint-api: ## lint kiosk/central/openapi.yaml with Redocly (needs Node.js; npm fetches the linter)
	npx --yes @redocly/cli@2.77.0 lint kiosk/central/openapi.yaml

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

clean: ## remove build output and packages
	rm -rf $(BIN) dist
