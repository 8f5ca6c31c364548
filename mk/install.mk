# SPDX-License-Identifier: GPL-2.0
# install: make install [PREFIX=/usr/local] [DESTDIR=]
#
#   PREFIX/bin/svatrace
#   PREFIX/share/svatrace/profiles/*.ini      (--profile NAME finds them here)
#   PREFIX/share/man/man1/svatrace.1, svatrace-CMD.1 (from each --help: man/gen-man.sh)
#   PREFIX/share/bash-completion/completions/svatrace
#
# The profile search order (replay/profile.h): $SVATRACE_PROFILE_DIR, then
# PREFIX/share/svatrace/profiles found from the program's own path (so a
# DESTDIR or relocated tree works), then the source tree.
PREFIX ?= /usr/local
DESTDIR ?=
MAN_DIR := $(BUILD)/man

.PHONY: install uninstall man
man: $(BUILD)/svatrace man/gen-man.sh
	$(call msg,GEN,$(MAN_DIR))
	$(Q)rm -rf $(MAN_DIR) && man/gen-man.sh $(BUILD)/svatrace $(MAN_DIR)

install: $(BUILD)/svatrace man
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/svatrace/profiles \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	$(Q)install -m 755 $(BUILD)/svatrace $(DESTDIR)$(PREFIX)/bin/svatrace
	$(Q)install -m 644 data/profiles/*.ini $(DESTDIR)$(PREFIX)/share/svatrace/profiles/
	$(Q)install -m 644 $(MAN_DIR)/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	$(Q)install -m 644 completion/svatrace.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/svatrace

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/svatrace $(DESTDIR)$(PREFIX)/share/man/man1/svatrace.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/svatrace-*.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/svatrace
	rm -rf $(DESTDIR)$(PREFIX)/share/svatrace
