/* SPDX-License-Identifier: GPL-2.0 */
/*
 * elf_lookup.h - find a function in the dynamic symbol table of an ELF
 * image that is already mapped, such as the kernel's vDSO (whose address is
 * getauxval(AT_SYSINFO_EHDR)).
 */
#ifndef ELF_LOOKUP_H
#define ELF_LOOKUP_H

/*
 * The address of the defined function @name in the 64-bit ELF image mapped
 * at @base, or NULL. With @version non-NULL the symbol must also carry that
 * version (e.g. "LINUX_2.6") when the image has version information.
 */
void *elf_lookup(const void *base, const char *name, const char *version);

/* The kernel's vDSO of this process, or NULL if there is none. */
const void *elf_vdso_base(void);

#endif /* ELF_LOOKUP_H */
