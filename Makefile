# imcheck — see README.md.
GO      ?= go
FUZZTIME ?= 30s
RAPIDCHECKS ?= 10000
# shim lines at the limits are up to 1 MiB each: a tenth as many checks
SHIMCHECKS ?= 1000
FUZZMINIMIZETIME ?= 1s
SHELL   := /bin/bash

.PHONY: test vet unit fuzz bench soak vectors claims fmt mutation mermaid

# make test: what CI runs (.ci/run). Kept well under 15 minutes on 2 cores.
test: vet unit

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# One line per package as it finishes, and every 30 s the packages still
# running. The conformance gate's mutation score runs once, in
# conformance's TestMutationScore.
unit:
	@set -o pipefail; $(GO) test -json -count=1 -timeout 20m ./... | $(GO) run ./internal/testprogress

# make fuzz: every fuzz target for FUZZTIME each (not part of make test).
# A new input is minimised for at most FUZZMINIMIZETIME (Go's default, 60s,
# would eat a short time box), so every target spends its time fuzzing.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) \
	      -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg; \
	  done; done
	@echo "== generated models at the limits ($(RAPIDCHECKS) checks)"
	$(GO) test ./model/lang/ -run '^TestRapidModels$$' -rapid.checks=$(RAPIDCHECKS)
	$(GO) test ./model/ -run '^(TestRapidProtocols|TestRapidProverSound)$$' -rapid.checks=$(RAPIDCHECKS)
	@echo "== generated vector files at the limits ($(RAPIDCHECKS) checks)"
	$(GO) test ./vectors/ -count=1 -run 'AtTheLimits' -rapid.checks=$(RAPIDCHECKS)
	@echo "== generated shim requests and responses at the limits ($(SHIMCHECKS) checks)"
	$(GO) test ./conformance/ -count=1 -run 'AtLimits$$' -rapid.checks=$(SHIMCHECKS)

# make mutation: the mutation score of the conformance gate (docs/conformance.md,
# "The gate tests itself"). gremlins mutates impl/suite, impl/simp and impl/imke one
# statement at a time; each mutant is tested once with the unit tests and once with the
# gate (the tag imcheck_gate: the package's only test builds the reference shim from the
# mutated tree and runs an imcheck built beforehand from the unmutated one against it).
# score compares the two. Long (hours on 2 cores): run it niced, on a quiet machine.
# The unit tests get 30 times their coverage run's time: with 10, a loaded machine
# timed out on mutants they let live, and a time-out counts as a kill.
GREMLINS      ?= github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATION_PKGS ?= suite simp imke
MUTATION_OUT  ?= mutation-out
mutation:
	@mkdir -p $(MUTATION_OUT)
	$(GO) build -o $(MUTATION_OUT)/imcheck-gate ./cmd/imcheck
	@set -e; for p in $(MUTATION_PKGS); do 	  echo "== impl/$$p: the gate"; 	  IMCHECK_GATE=$(abspath $(MUTATION_OUT))/imcheck-gate nice -n 19 $(GO) run $(GREMLINS) unleash 	    --tags imcheck_gate --workers 1 --timeout-coefficient 20 --output $(abspath $(MUTATION_OUT))/gate-$$p.json ./impl/$$p; 	  echo "== impl/$$p: the unit tests"; 	  nice -n 19 $(GO) run $(GREMLINS) unleash --workers 1 --timeout-coefficient 30 	    --output $(abspath $(MUTATION_OUT))/unit-$$p.json ./impl/$$p; 	done
	$(GO) run ./conformance/mutation/score $(MUTATION_OUT)

# make soak: the reference server's full load test on loopback (docs/serve.md §7);
# make test runs a small one.
soak:
	$(GO) test -count=1 -v -timeout 10m ./impl/netio/loadtest -soak

# make bench: every benchmark once (figures, floors and ratios).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# make vectors: regenerate vectors/testvectors byte for byte (not part of make test;
# TestCommittedVectorsAreFresh in make test fails when the committed files are stale).
vectors:
	$(GO) run ./cmd/imcheck vectors generate --out vectors/testvectors

# make mermaid: parse every Mermaid diagram imcheck produces with the real
# Mermaid parser (Node.js; the test installs the mermaid package from npm
# into the user cache the first time, and skips when it cannot).
mermaid:
	$(GO) test -tags mermaid -count=1 -run TestMermaidDiagramsParse -v ./cmd/imcheck

fmt:
	gofmt -w $$(git ls-files '*.go')
