// SPDX-License-Identifier: GPL-2.0-only
/* Sizes, errno names, BDF validation. */
#include <errno.h>
#include <string.h>

#include "iommutest/util.h"
#include "iommutest/vfio.h"
#include "unit.h"

static int size_is(const char *s, uint64_t want)
{
	uint64_t v = 0;

	return parse_size(s, &v) == 0 && v == want;
}

static int size_err(const char *s, int err)
{
	uint64_t v;

	return parse_size(s, &v) == err;
}

int main(void)
{
	char out[32];

	CHECK(size_is("0", 0));
	CHECK(size_is("4096", 4096));
	CHECK(size_is("0x1000", 4096));
	CHECK(size_is("0X1f", 31));
	CHECK(size_is("64K", 65536));
	CHECK(size_is("2M", 2u << 20));
	CHECK(size_is("1g", 1u << 30));
	CHECK(size_is("1T", 1ull << 40));
	CHECK(size_is("0xffffffffffffffff", UINT64_MAX));
	CHECK(size_is("18446744073709551615", UINT64_MAX));
	CHECK(size_err("18446744073709551616", -ERANGE));
	CHECK(size_err("0x10000000000000000", -ERANGE));
	CHECK(size_err("16777216T", -ERANGE));
	CHECK(size_err("", -EINVAL));
	CHECK(size_err("K", -EINVAL));
	CHECK(size_err("12Q", -EINVAL));
	CHECK(size_err("4KK", -EINVAL));
	CHECK(size_err("0x", -EINVAL));
	CHECK(size_err("-1", -EINVAL));
	CHECK(size_err(" 1", -EINVAL));

	CHECK(errno_from_name("EBUSY") == EBUSY);
	CHECK(errno_from_name("EOPNOTSUPP") == EOPNOTSUPP);
	CHECK(errno_from_name("ok") == 0);
	CHECK(errno_from_name("EWHAT") == 0);
	CHECK(!strcmp(errno_name(-EINVAL), "EINVAL"));
	CHECK(!strcmp(errno_name(0), "ok"));

	CHECK(pci_bdf_normalize("0000:00:03.0", out, sizeof(out)) == 0 && !strcmp(out, "0000:00:03.0"));
	CHECK(pci_bdf_normalize("00:1F.7", out, sizeof(out)) == 0 && !strcmp(out, "0000:00:1f.7"));
	CHECK(pci_bdf_normalize("0000:00:03.8", out, sizeof(out)) == -EINVAL);
	CHECK(pci_bdf_normalize("../../../etc", out, sizeof(out)) == -EINVAL);
	CHECK(pci_bdf_normalize("0000:00:03.0/../x", out, sizeof(out)) == -EINVAL);
	CHECK(pci_bdf_normalize("", out, sizeof(out)) == -EINVAL);
	CHECK(pci_bdf_normalize("0000:0g:03.0", out, sizeof(out)) == -EINVAL);
	return unit_done("util");
}
