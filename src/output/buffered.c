// SPDX-License-Identifier: GPL-2.0-only
/* Per-output state and UTF-8 repair for the formats that write at run end (see buffered.h). */
#define LOG_PREFIX "output: "

#include <stdlib.h>
#include <string.h>

#include "buffered.h"
#include "iommutest/log.h"

struct priv_entry {
	const struct output *o;
	const struct out_priv_type *type;
	void *priv;
	struct priv_entry *next;
};

static struct priv_entry *priv_list;

void *out_priv(struct output *o, const struct out_priv_type *t)
{
	struct priv_entry *e;

	for (e = priv_list; e; e = e->next)
		if (e->o == o && e->type == t)
			return e->priv;
	e = malloc(sizeof(*e));
	if (e)
		*e = (struct priv_entry){ .o = o, .type = t, .priv = t->create(), .next = priv_list };
	if (!e || !e->priv) {
		free(e);
		pr_err("out of memory: no %s results", t->name);
		return NULL;
	}
	priv_list = e;
	return e->priv;
}

void out_priv_drop(struct output *o, const struct out_priv_type *t)
{
	for (struct priv_entry **pp = &priv_list; *pp; pp = &(*pp)->next) {
		struct priv_entry *e = *pp;

		if (e->o != o || e->type != t)
			continue;
		*pp = e->next;
		t->destroy(e->priv);
		free(e);
		return;
	}
}

size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		goto bad;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = UTF8_REPLACEMENT;
	return 1;
}

void utf8_put(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		fputc((int)cp, f);
	} else if (cp < 0x800) {
		fputc((int)(0xc0 | (cp >> 6)), f);
		fputc((int)(0x80 | (cp & 0x3f)), f);
	} else if (cp < 0x10000) {
		fputc((int)(0xe0 | (cp >> 12)), f);
		fputc((int)(0x80 | ((cp >> 6) & 0x3f)), f);
		fputc((int)(0x80 | (cp & 0x3f)), f);
	} else {
		fputc((int)(0xf0 | (cp >> 18)), f);
		fputc((int)(0x80 | ((cp >> 12) & 0x3f)), f);
		fputc((int)(0x80 | ((cp >> 6) & 0x3f)), f);
		fputc((int)(0x80 | (cp & 0x3f)), f);
	}
}

char *utf8_clean(const char *s)
{
	/* a replaced byte grows to 3 bytes at most */
	char *out = malloc(strlen(s) * 3 + 1), *p = out;

	if (!out)
		return NULL;
	while (*s) {
		uint32_t cp;
		size_t n = utf8_decode(s, &cp);

		if (cp == UTF8_REPLACEMENT && n == 1 && (unsigned char)*s >= 0x80) {
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
		} else {
			memcpy(p, s, n);
			p += n;
		}
		s += n;
	}
	*p = '\0';
	return out;
}
