# SPDX-License-Identifier: GPL-2.0
# criu-plugin/criu-plugin.mk - the CRIU plugin for /dev/vclock and its host
# unit test (included by the top Makefile, which defines CRIU_PLUGIN_SO).
#
#   $(B)/criu/vclock_plugin.so      for the host's CRIU ('make criu-install')
#   $(GK)/criu/vclock_plugin.so     per generation, against that generation's
#                                   criu-plugin.h (a directory of its own:
#                                   CRIU loads every *.so in -L DIR)
#   $(B)/unit/criu-plugin           the plugin loaded on the host as CRIU would
#
#   make criu-install     install the plugin into CRIU's plugin directory
#                         ($(DESTDIR)$(CRIU_PLUGIN_DIR), default /usr/lib/criu)

CRIU_PLUGIN_DIR ?= /usr/lib/criu

# The tasks' maps are read with the tools' parser (userspace/proc_maps.c).
CRIU_PLUGIN_SRCS := $(filter-out %/plugin_test.c,$(wildcard criu-plugin/*.c)) userspace/proc_maps.c
CRIU_PLUGIN_HDRS := $(wildcard criu-plugin/*.h) userspace/proc_maps.h include/vclock_abi.h
CRIU_PLUGIN_CFLAGS := $(CFLAGS) -I$(TOP)/userspace -fPIC -shared

$(CRIU_PLUGIN_SO): $(CRIU_PLUGIN_SRCS) $(CRIU_PLUGIN_HDRS) criu-plugin/vclock_plugin.map
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CRIU_PLUGIN_CFLAGS) -Wl,--version-script=$(TOP)/criu-plugin/vclock_plugin.map \
		-o $@ $(CRIU_PLUGIN_SRCS)

# The guest's plugin is built against the generation's own criu-plugin.h.
$(GK)/criu/vclock_plugin.so: $(CRIU_PLUGIN_SRCS) $(CRIU_PLUGIN_HDRS) criu-plugin/vclock_plugin.map \
		$(CRIU_HEADER)
	@mkdir -p $(@D) $(GDIR)/criu-include/criu
	@cp $(CRIU_HEADER) $(GDIR)/criu-include/criu/criu-plugin.h
	$(call say,CC)$(CC) $(CRIU_PLUGIN_CFLAGS) -isystem $(GDIR)/criu-include \
		-Wl,--version-script=$(TOP)/criu-plugin/vclock_plugin.map -o $@ $(CRIU_PLUGIN_SRCS)
GEN_FILES += $(GK)/criu/vclock_plugin.so

# The plugin's record and device code linked in, the .so loaded with dlopen.
$(B)/unit/criu-plugin: criu-plugin/plugin_test.c criu-plugin/record.c criu-plugin/device.c \
		$(CRIU_PLUGIN_HDRS) $(CRIU_PLUGIN_SO) tests/tap.h
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) $(SANITIZE) -I$(TOP)/tests -rdynamic \
		-DVCP_PLUGIN_SO='"$(CRIU_PLUGIN_SO)"' -o $@ $< criu-plugin/record.c \
		criu-plugin/device.c -ldl
UNIT_TESTS += $(B)/unit/criu-plugin

.PHONY: criu-install
criu-install: $(CRIU_PLUGIN_SO)
	install -D -m 644 $(CRIU_PLUGIN_SO) $(DESTDIR)$(CRIU_PLUGIN_DIR)/vclock_plugin.so
