// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the scenario loader: every input goes through scenario_load_mem() and,
 * when it loads, scenario_free(). ASan/UBSan/LeakSanitizer report what goes wrong; the loader's
 * own promises are checked here too: a failure leaves no scenario and one NUL-terminated error
 * message, a success a scenario. With IOMMUTEST_FUZZ_ONE_LINE=1 in the environment (tests/fuzz/run
 * --one-line, the bad-fuzz regression tests), an error message must also be one line of
 * printable, well-formed UTF-8 (what `iommutest validate` promises for a terminal).
 * Build and run: tests/fuzz/run (see tests/fuzz/CMakeLists.txt).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommutest/scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one_line;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("IOMMUTEST_FUZZ_ONE_LINE");

	one_line = e && *e == '1';
	return 0;
}

/* well-formed UTF-8 without control characters (tab allowed) */
static int printable_line(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned int c = *s, n, min, i;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t')
				return 0;
			s++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, min = 0x80, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 2, min = 0x800, c &= 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 3, min = 0x10000, c &= 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0; /* also a sequence cut by the terminating NUL */
			c = (c << 6) | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *sc = (struct scenario *)&sc; /* must be overwritten */
	char err[512];
	int ret;

	memset(err, 'x', sizeof(err));
	ret = scenario_load_mem("fuzz.json", (const char *)data, size, &sc, err, sizeof(err));
	if (ret) {
		if (ret > 0 || sc || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort(); /* an error must be -errno, leave no scenario and say why */
		if (one_line && !printable_line(err))
			abort(); /* "FILE: JSON.PATH: message" on one line */
		return 0;
	}
	if (!sc || !sc->name || !sc->nsteps)
		abort();
	scenario_free(sc);
	return 0;
}
