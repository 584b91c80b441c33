// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every iommufd ioctl the uAPI header the build uses defines (`#define IOMMU_X _IO(IOMMUFD_TYPE,
 * ...)`, continuation lines joined) is issued by a verb (its step_ops .ioctls) or has a reason in
 * step_ioctls_unissued; every name those lists give is in the header; none is both.
 *   test_ioctls PATH/linux/iommufd.h
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/step.h"
#include "unit.h"

#define MAX_IOCTLS 128

/* the names of every `#define IOMMU_... _IO(IOMMUFD_TYPE` in text; returns how many (-1: too many) */
static int parse_header(const char *text, char names[][64])
{
	char *s = strdup(text), *w = s, *line, *save = NULL;
	int n = 0;

	if (!s)
		return -1;
	/* join continuation lines: a backslash before a newline goes, with the newline */
	for (const char *r = text; *r; r++) {
		if (r[0] == '\\' && r[1] == '\n') {
			r++;
			*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *name;
		size_t len;

		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '#')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "define", 6) || !isspace((unsigned char)p[6]))
			continue;
		p += 6;
		while (isspace((unsigned char)*p))
			p++;
		name = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		len = (size_t)(p - name);
		if (strncmp(name, "IOMMU_", 6) || len >= 64)
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "_IO", 3))
			continue;
		p += 3;
		while (isspace((unsigned char)*p))
			p++;
		if (*p++ != '(')
			continue;
		while (isspace((unsigned char)*p))
			p++;
		if (strncmp(p, "IOMMUFD_TYPE", 12) || isalnum((unsigned char)p[12]) || p[12] == '_')
			continue;
		if (n == MAX_IOCTLS) {
			n = -1;
			break;
		}
		memcpy(names[n], name, len);
		names[n++][len] = '\0';
	}
	free(s);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, 4096, f);
		len += got;
	} while (got);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static bool in(char names[][64], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static char names[MAX_IOCTLS][64], self[MAX_IOCTLS][64];
	static const char sample[] =
		"#define IOMMU_A _IO(IOMMUFD_TYPE, IOMMUFD_CMD_A)\n"
		"#define IOMMU_B _IO(IOMMUFD_TYPE, \\\n\t\t\tIOMMUFD_CMD_B)\n"
		"#define IOMMU_C \\\n\t_IO(IOMMUFD_TYPE, IOMMUFD_CMD_C)\n"
		"# define IOMMU_D _IO( IOMMUFD_TYPE , 0x99)\n"
		"#define IOMMU_NOT_AN_IOCTL 3\n"
		"#define IOMMU_E _IO(IOMMUFD_TYPEX, 1)\n"
		"#define VFIO_X _IO(IOMMUFD_TYPE, 1)\n";
	const char **known;
	size_t nknown, issued = 0;
	char verbs[256], *text;
	int n;

	/* the parser itself: the three shapes 7.2's header uses, and what is no ioctl */
	n = parse_header(sample, self);
	CHECK(n == 4 && in(self, n, "IOMMU_A") && in(self, n, "IOMMU_B") && in(self, n, "IOMMU_C") &&
	      in(self, n, "IOMMU_D"));

	for (size_t i = 0; step_registry[i]; i++) {
		if (!step_registry[i]->ioctls)
			fprintf(stderr, "verb %s: no .ioctls list (give STEP_NO_IOCTLS when it issues none)\n",
				step_registry[i]->name);
		CHECK(step_registry[i]->ioctls != NULL);
	}
	if (argc != 2) {
		fprintf(stderr, "usage: test_ioctls PATH/linux/iommufd.h\n");
		return 2;
	}
	text = slurp(argv[1]);
	CHECK(text != NULL);
	if (!text)
		return unit_done("ioctls");
	n = parse_header(text, names);
	free(text);
	CHECK(n >= 10); /* 7.2 defines 21; an older header fewer, but never this few */
	CHECK(step_ioctls_known(&known, &nknown) == 0);
	for (int i = 0; i < n; i++) {
		bool by_verb = step_ioctl_verbs(names[i], verbs, sizeof(verbs)) > 0;
		bool reason = step_ioctl_unissued_reason(names[i]) != NULL;

		if (!by_verb && !reason)
			fprintf(stderr, "%s (in %s): no verb issues it and step_ioctls_unissued gives no reason\n",
				names[i], argv[1]);
		if (by_verb && reason)
			fprintf(stderr, "%s: issued by %s, yet step_ioctls_unissued says why not\n", names[i], verbs);
		CHECK(by_verb != reason);
		issued += by_verb;
	}
	for (size_t i = 0; i < nknown; i++) {
		if (!in(names, n, known[i]))
			fprintf(stderr, "%s: named by a verb or step_ioctls_unissued, but not in %s\n", known[i], argv[1]);
		CHECK(in(names, n, known[i]));
	}
	printf("%zu of %d iommufd ioctls in %s issued by verbs\n", issued, n, argv[1]);
	free(known);
	return unit_done("ioctls");
}
