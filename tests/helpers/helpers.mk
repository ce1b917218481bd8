# SPDX-License-Identifier: GPL-2.0
# tests/helpers/helpers.mk - programs the tests run (included by the top
# Makefile). Built into $(B)/tests; the guest gets them in tests/helpers.
#
#   vclock-clockloop      an unmodified libc program reading clocks (strace -c)
#   libvclock-broken.so   a wrong "vDSO", the negative control of vclock-check
#   map_holder            maps a stand-in /dev/vclock and waits (json_schema_test)
#   vclock-as-user        runs a command as a non-root uid (busybox setpriv cannot)

$(B)/tests/vclock-clockloop: tests/helpers/clockloop.c
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $<
$(B)/tests/libvclock-broken.so: tests/helpers/broken_vdso.c
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -fPIC -shared -o $@ $<
$(B)/tests/map_holder: tests/helpers/map_holder.c
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $<
$(B)/tests/vclock-as-user: tests/helpers/as_user.c
	@mkdir -p $(@D)
	$(call say,CC)$(CC) $(CFLAGS) -o $@ $<

$(G)/tests/helpers/%: $(B)/tests/%
	@install -D -m 755 $< $@
GUEST_FILES += $(G)/tests/helpers/vclock-clockloop $(G)/tests/helpers/libvclock-broken.so \
	       $(G)/tests/helpers/vclock-as-user
