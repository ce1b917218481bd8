/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_out.h - the JSON writing the tools share: strings escaped as RFC 8259
 * wants, null for what is not known.
 */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <stdio.h>

/* @s as a JSON string. */
void json_str(FILE *f, const char *s);

/* @s as a JSON string, or null when @s is NULL or empty. */
void json_str_or_null(FILE *f, const char *s);

#endif /* JSON_OUT_H */
