# stapled — everyday entry points. Every target that builds installs missing Debian packages
# first (scripts/install-deps.sh: quiet and quick when everything is present).
#
#   make demo    run stapled in front of a sample backend with a local OCSP responder
#   make test    build, then run every test suite (unit and integration)
#   make build   debug build          make release   release build
#   make lint    swift format lint    make clean     remove build products and demo/

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
SWIFT_TEST_FLAGS ?=

.PHONY: all deps build release test demo lint clean

all: build

deps:
	scripts/install-deps.sh

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

release: deps
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

# `swift build` first: the integration tests run the stapled executable it produces.
test: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test $(SWIFT_BUILD_FLAGS) $(SWIFT_TEST_FLAGS)

demo: deps
	scripts/demo.sh

lint:
	$(SWIFT) format lint --strict -r Sources Tests

clean:
	rm -rf .build demo
