# tests/lib/lib.mk - the test library (included by the top Makefile, whose
# TEST_HDRS and TEST_CFLAGS name it for the test programs).
#
#   tests/lib/vclock-module.sh -> $(G)/tests/lib/vclock-module.sh (sourced by
#                                 the shell suites that unload the module)

$(G)/tests/lib/vclock-module.sh: tests/lib/vclock-module.sh
	@install -D -m 644 $< $@
GUEST_FILES += $(G)/tests/lib/vclock-module.sh
