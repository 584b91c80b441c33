// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mock provider: a device of the kernel's IOMMUFD_TEST mock IOMMU. It is plugged into an
 * empty "parking" IOAS of its own (the mock has no RID detach, so BLOCKED is not offered), and
 * attach/replace use MOCK_DOMAIN_REPLACE; PASIDs have distinct attach and replace ops.
 */
#define LOG_PREFIX "mock-device: "

#include <errno.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "iommutest/device.h"
#include "iommutest/iommufd.h"
#include "iommutest/log.h"
#include "iommutest/names.h"

/* names.h: the mock device's flags, as "-d mock,FLAG" and a scenario slot's "mock" name them */
const struct name_value mock_device_flag_names[] = {
	{ "pasid", MOCK_DEV_FLAG_PASID }, { "no_dirty", MOCK_DEV_FLAG_NO_DIRTY }, { NULL, 0 },
};

int mock_spec_parse(const char *spec, uint32_t *flags)
{
	char buf[64], *tok, *save = NULL;

	*flags = 0;
	if (strncmp(spec, "mock", 4) || (spec[4] && spec[4] != ','))
		return -EINVAL;
	if (snprintf(buf, sizeof(buf), "%s", spec + 4) >= (int)sizeof(buf))
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long i = table_find(mock_device_flag_names, SIZE_MAX, sizeof(mock_device_flag_names[0]),
				    offsetof(struct name_value, name), tok);

		if (i < 0)
			return -EINVAL;
		*flags |= (uint32_t)mock_device_flag_names[i].value;
	}
	return 0;
}

static int mock_dev_claim(const char *spec, struct test_device *d)
{
	return mock_spec_parse(spec, &d->mock_flags) ? -ENOENT : 0;
}

/* the kernel's mock is there and plugs devices with the flags asked for (6.12's: no PASID) */
static int mock_dev_available(const struct test_device *d, int iommufd, const char **why)
{
	return mock_dev_flags_supported(iommufd, d->mock_flags, why);
}

static int mock_dev_open(struct test_device *d, int iommufd)
{
	struct hw_info_result hw;
	int ret;

	/* every mock device is behind the one mock IOMMU, each in a group of its own */
	d->facts = (struct device_facts){ .iommufd_test_mock = true, .iommu = "iommufd_test_mock",
					  .iommu_group = -1 };
	ret = iommufd_ioas_alloc(iommufd, &d->mock_parking_ioas);
	if (ret)
		return ret;
	ret = mock_device_create(iommufd, d->mock_parking_ioas, d->mock_flags, &d->mock);
	if (ret)
		return ret;
	d->dev_id = d->mock.idev_id;
	snprintf(d->vdev.bdf, sizeof(d->vdev.bdf), "mock");
	if (!iommufd_get_hw_info(iommufd, d->dev_id, &hw))
		d->max_pasid_log2 = hw.max_pasid_log2;
	return 0;
}

static void mock_dev_close(struct test_device *d, int iommufd)
{
	/* unplugging detaches; closing the iommufd would do it too */
	if (d->mock.stdev_id)
		iommufd_destroy(iommufd, d->mock.stdev_id);
	if (d->mock_parking_ioas)
		iommufd_destroy(iommufd, d->mock_parking_ioas);
}

static int mock_dev_attach(struct test_device *d, int iommufd, uint32_t *pt_id)
{
	return mock_domain_replace(iommufd, d->mock.stdev_id, pt_id);
}

static int mock_dev_detach(struct test_device *d, int iommufd)
{
	return -EOPNOTSUPP; /* the mock has no BLOCKED state for the RID */
}

static int mock_dev_pasid_attach(struct test_device *d, int iommufd, uint32_t pasid, uint32_t *pt_id)
{
	return mock_pasid_attach(iommufd, d->mock.stdev_id, pasid, pt_id);
}

static int mock_dev_pasid_replace(struct test_device *d, int iommufd, uint32_t pasid, uint32_t *pt_id)
{
	return mock_pasid_replace(iommufd, d->mock.stdev_id, pasid, pt_id);
}

static int mock_dev_pasid_detach(struct test_device *d, int iommufd, uint32_t pasid)
{
	return mock_pasid_detach(iommufd, d->mock.stdev_id, pasid);
}

static int mock_dev_pasid_check(struct test_device *d, int iommufd, uint32_t pasid, uint32_t hwpt_id)
{
	return mock_pasid_check(iommufd, d->mock.stdev_id, pasid, hwpt_id);
}

static const char mock_dev_title[] = "IOMMUFD_TEST mock device";

static void mock_dev_describe(const struct test_device *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", mock_dev_title,
		 d->mock_flags & MOCK_DEV_FLAG_PASID ? " (PASID-capable)" : "");
}

const struct device_ops mock_device_ops = {
	.name = "mock",
	.title = mock_dev_title,
	.opening = "plugging the mock device",
	.claim = mock_dev_claim,
	.available = mock_dev_available,
	.open = mock_dev_open,
	.close = mock_dev_close,
	.attach = mock_dev_attach,
	.detach = mock_dev_detach,
	.pasid_attach = mock_dev_pasid_attach,
	.pasid_replace = mock_dev_pasid_replace,
	.pasid_detach = mock_dev_pasid_detach,
	.pasid_check = mock_dev_pasid_check,
	.describe = mock_dev_describe,
};
