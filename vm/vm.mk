# vm/vm.mk - the guest-side half of 'make demo' (included by the top
# Makefile; vm/demo boots the guest and runs it).

GUEST_FILES += $(G)/bin/vclock-demo
$(G)/bin/vclock-demo: vm/demo-guest
	@install -D -m 755 $< $@
