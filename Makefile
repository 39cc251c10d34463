# imcheck — see README.md.
GO      ?= go
FUZZTIME ?= 30s

.PHONY: test vet unit fuzz bench vectors claims fmt

# make test: what CI runs (.ci/run). Kept well under 15 minutes on 2 cores.
test: vet unit

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) run ./cmd/imcheck conform --mutants --suite modern --jobs 2

# make fuzz: every fuzz target for FUZZTIME each (not part of make test).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

# make bench: every benchmark once (figures, floors and ratios).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# make vectors: regenerate vectors/testvectors byte for byte (not part of make test;
# TestCommittedVectorsAreFresh in make test fails when the committed files are stale).
vectors:
	$(GO) run ./cmd/imcheck vectors generate --out vectors/testvectors

fmt:
	gofmt -w $$(git ls-files '*.go')
