# stapled — everyday entry points. Every target that builds installs missing Debian packages
# first (scripts/install-deps.sh: quiet and quick when everything is present).
#
#   make demo    run stapled in front of a sample backend with a local OCSP responder
#   make test    build, then run every test suite (unit and integration)
#   make build   debug build          make release   release build
#   make lint    swift format lint    make clean     remove build products and demo/
#   make bench   side-by-side benchmark against hitch, HAProxy and nginx (bench/README.md)
#   make install install the release build, systemd unit, sysusers/tmpfiles entries, config
#                (only if absent) and docs; PREFIX=/usr, DESTDIR= for staging (packaging).

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# Suites run one after another: several of them start daemons, responders and 256 MiB transfers,
# and two shared cores running them all at once starve their deadlines.
SWIFT_TEST_FLAGS ?= --no-parallel

.PHONY: all deps build release test demo lint clean install

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

# Installs hitch, haproxy, nginx and wrk if missing, builds the release binary, runs every
# measurement (~11 min on 2 cores); tables on stdout and in bench/results/. Settings: bench/README.md.
.PHONY: bench
bench: deps
	SWIFT='$(SWIFT)' bench/run.sh

lint:
	$(SWIFT) format lint --strict -r Sources Tests

clean:
	rm -rf .build demo

# Install layout (Debian's). The unit gets BINDIR, SYSCONFDIR and DOCDIR substituted, so
# PREFIX=/usr/local installs a unit that runs /usr/local/bin/stapled. The installed binary is a
# release build with the Swift runtime linked in (--static-swift-stdlib): it needs only Debian's
# libev4, libssl3 and libstdc++6, not the toolchain. STAPLED_BIN installs that file instead,
# without building (packaging scripts, tests).
PREFIX ?= /usr
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
SYSTEMDUNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR ?= $(PREFIX)/share/doc/stapled
INSTALL ?= install
STAPLED_BIN ?=
INSTALL_BUILD_FLAGS ?= -c release --static-swift-stdlib
INSTALL_BIN = $(or $(STAPLED_BIN),$(shell $(SWIFT) build $(INSTALL_BUILD_FLAGS) $(SWIFT_BUILD_FLAGS) --show-bin-path)/stapled)
UNIT_DEST = $(DESTDIR)$(SYSTEMDUNITDIR)/stapled.service
CONF_DEST = $(DESTDIR)$(SYSCONFDIR)/stapled/stapled.conf

install: $(if $(STAPLED_BIN),,deps)
	$(if $(STAPLED_BIN),,$(SWIFT) build $(INSTALL_BUILD_FLAGS) $(SWIFT_BUILD_FLAGS) --product stapled)
	$(INSTALL) -d -m 0755 '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(SYSTEMDUNITDIR)' '$(DESTDIR)$(SYSUSERSDIR)' \
		'$(DESTDIR)$(TMPFILESDIR)' '$(DESTDIR)$(DOCDIR)'
	$(INSTALL) -d -m 0750 '$(DESTDIR)$(SYSCONFDIR)/stapled'
	$(INSTALL) -m 0755 '$(INSTALL_BIN)' '$(DESTDIR)$(BINDIR)/stapled'
	sed -e 's|/usr/bin/stapled|$(BINDIR)/stapled|g' -e 's|/etc/stapled/|$(SYSCONFDIR)/stapled/|g' \
		-e 's|file:///usr/share/doc/stapled/|file://$(DOCDIR)/|g' systemd/stapled.service > '$(UNIT_DEST).tmp'
	chmod 0644 '$(UNIT_DEST).tmp' && mv -f '$(UNIT_DEST).tmp' '$(UNIT_DEST)'
	$(INSTALL) -m 0644 systemd/stapled.sysusers '$(DESTDIR)$(SYSUSERSDIR)/stapled.conf'
	$(INSTALL) -m 0644 systemd/stapled.tmpfiles '$(DESTDIR)$(TMPFILESDIR)/stapled.conf'
	@if [ -e '$(CONF_DEST)' ]; then echo "install: keeping the existing $(CONF_DEST)"; \
	else echo "$(INSTALL) -m 0644 config/stapled.conf '$(CONF_DEST)'"; $(INSTALL) -m 0644 config/stapled.conf '$(CONF_DEST)'; fi
	$(INSTALL) -m 0644 README.md docs/*.md config/stapled.conf '$(DESTDIR)$(DOCDIR)/'
	@if [ -z '$(DESTDIR)' ]; then \
		echo "install: next, as root: systemd-sysusers; systemd-tmpfiles --create; systemctl daemon-reload"; \
		echo "install: then put the certificates in $(SYSCONFDIR)/stapled, edit stapled.conf, and: systemctl enable --now stapled"; \
	fi
