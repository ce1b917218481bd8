// SPDX-License-Identifier: GPL-2.0
/*
 * elf_lookup.c - symbol lookup in a mapped ELF image through its dynamic
 * section: program headers give the load bias and PT_DYNAMIC, the dynamic
 * section gives the symbol and string tables, DT_HASH or DT_GNU_HASH gives
 * the number of symbols, DT_VERSYM/DT_VERDEF the versions.
 *
 * Meant for the vDSO, whose dynamic entries hold link-time addresses that
 * nobody relocates. A dynamic entry that already points inside the image
 * (the dynamic linker relocates those of ordinary libraries in place) is
 * taken as is.
 */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "elf_lookup.h"

struct elf_image {
	uintptr_t bias, lo, hi;		/* load bias; mapped range */
	const Elf64_Sym *symtab;
	const char *strtab;
	const Elf64_Word *hash;
	const Elf64_Word *gnu_hash;
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
	size_t nsyms;
};

static const void *elf_ptr(const struct elf_image *im, Elf64_Addr a)
{
	if (a >= im->lo && a < im->hi)
		return (const void *)a;
	return (const void *)(im->bias + a);
}

/* Symbols covered by a GNU hash table: one past the highest chain end. */
static size_t gnu_hash_nsyms(const Elf64_Word *h)
{
	Elf64_Word nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
	const Elf64_Word *buckets = h + 4 + bloom_size * (sizeof(Elf64_Addr) / 4);
	const Elf64_Word *chain = buckets + nbuckets;
	Elf64_Word i, last = 0;

	for (i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return last + 1;
}

static int elf_open(const void *base, struct elf_image *im)
{
	const Elf64_Ehdr *eh = base;
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	uintptr_t first_vaddr = UINTPTR_MAX, end = 0;
	int i;

	memset(im, 0, sizeof(*im));
	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr))
		return -1;
	ph = (const Elf64_Phdr *)((const char *)base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset == 0 && ph[i].p_vaddr < first_vaddr)
			first_vaddr = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	}
	if (first_vaddr == UINTPTR_MAX)
		return -1;
	im->bias = (uintptr_t)base - first_vaddr;
	im->lo = (uintptr_t)base;
	im->hi = im->bias + end;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = elf_ptr(im, ph[i].p_vaddr);
	if (!dyn)
		return -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			im->symtab = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		case DT_STRTAB:
			im->strtab = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		case DT_HASH:
			im->hash = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		case DT_GNU_HASH:
			im->gnu_hash = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		case DT_VERSYM:
			im->versym = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		case DT_VERDEF:
			im->verdef = elf_ptr(im, dyn->d_un.d_ptr);
			break;
		}
	}
	if (!im->symtab || !im->strtab || (!im->hash && !im->gnu_hash))
		return -1;
	im->nsyms = im->hash ? im->hash[1] : gnu_hash_nsyms(im->gnu_hash);
	return 0;
}

/* The name of version index @ndx, or NULL. */
static const char *elf_version_name(const struct elf_image *im, Elf64_Half ndx)
{
	const Elf64_Verdef *vd = im->verdef;
	const Elf64_Verdaux *aux;

	while (vd) {
		if (vd->vd_ndx == ndx) {
			aux = (const Elf64_Verdaux *)((const char *)vd + vd->vd_aux);
			return im->strtab + aux->vda_name;
		}
		if (!vd->vd_next)
			break;
		vd = (const Elf64_Verdef *)((const char *)vd + vd->vd_next);
	}
	return NULL;
}

void *elf_lookup(const void *base, const char *name, const char *version)
{
	struct elf_image im;
	const Elf64_Sym *s;
	const char *v;
	size_t i;

	if (elf_open(base, &im))
		return NULL;
	for (i = 1; i < im.nsyms; i++) {
		s = &im.symtab[i];
		if (s->st_shndx == SHN_UNDEF || ELF64_ST_TYPE(s->st_info) != STT_FUNC ||
		    (ELF64_ST_BIND(s->st_info) != STB_GLOBAL &&
		     ELF64_ST_BIND(s->st_info) != STB_WEAK))
			continue;
		if (strcmp(im.strtab + s->st_name, name))
			continue;
		if (version && im.versym && im.verdef) {
			v = elf_version_name(&im, im.versym[i] & 0x7fff);
			if (!v || strcmp(v, version))
				continue;
		}
		return (void *)(im.bias + s->st_value);
	}
	return NULL;
}

const void *elf_vdso_base(void)
{
	return (const void *)getauxval(AT_SYSINFO_EHDR);
}
