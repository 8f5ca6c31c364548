# SPDX-License-Identifier: GPL-2.0
# analyze: results store, plots, report.
#
# The gnuplot scripts analyze/plots/KIND.gp are compiled into the program (a
# generated header) so an installed svatrace can draw without the source
# tree; `svatrace plot --scripts DIR` reads restyled copies instead.

PLOT_GP := $(sort $(wildcard analyze/plots/*.gp))
PLOT_SCRIPTS_H := $(BUILD)/gen/analyze/plot_scripts.h

$(PLOT_SCRIPTS_H): $(PLOT_GP) mk/analyze.mk
	$(call msg,GEN,$@)
	@mkdir -p $(dir $@)
	$(Q)awk 'BEGIN { print "/* generated from analyze/plots (one entry per .gp) by mk/analyze.mk: do not edit */"; \
		print "static const struct { const char *name; const char *text; } plot_scripts[] = {" } \
		FNR == 1 { if (NR > 1) print "\t},"; n = FILENAME; sub(/.*\//, "", n); sub(/\.gp$$/, "", n); \
			print "\t{ \"" n "\","; } \
		{ gsub(/\\/, "&&"); gsub(/"/, "\\\""); print "\t\t\"" $$0 "\\n\""; } \
		END { if (NR) print "\t},"; print "};" }' $(PLOT_GP) > $@

GENERATED += $(PLOT_SCRIPTS_H)

# The report test renders HTML in headless Chromium ('browser' package set).
TESTS_EXTRA += deps-browser
.PHONY: deps-browser
deps-browser:
	$(Q)scripts/install-deps.sh browser
