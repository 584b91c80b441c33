// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device providers and the one entry point that opens a device, from a -d spec or a
 * scenario slot, for the runner and `iommutest info` alike.
 *
 * Adding a provider touches two files: its own src/devices/NAME.c (a struct device_ops
 * NAME_device_ops with claim, open, close, the attach ops, describe, and the device_facts it
 * states at open; CMake globs it) and one line PROVIDER(NAME) in devices.def.
 */
#include <errno.h>
#include <stdio.h>

#include "iommutest/device.h"

#define PROVIDER(sym) extern const struct device_ops sym##_device_ops;
#include "devices.def"
#undef PROVIDER

/* in claim order: vfio last, it takes every spec the others leave (main checked it is a BDF) */
const struct device_ops *const device_provider_registry[] = {
#define PROVIDER(sym) &sym##_device_ops,
#include "devices.def"
#undef PROVIDER
	NULL,
};

const struct device_ops *device_provider_for_spec(const char *spec, struct test_device *d)
{
	struct test_device scratch = { 0 };

	for (size_t i = 0; device_provider_registry[i]; i++)
		if (!device_provider_registry[i]->claim(spec, d ? d : &scratch))
			return device_provider_registry[i];
	return NULL;
}

int device_open(struct test_device *d, int iommufd, const char *spec, uint32_t slot_mock_flags,
		const char **unavailable)
{
	int ret;

	*unavailable = NULL;
	d->iommufd = iommufd;
	d->attached = -1;
	d->vdev.fd = -1;
	if (spec) {
		d->ops = device_provider_for_spec(spec, d);
		snprintf(d->name, sizeof(d->name), "%s", spec);
	} else {
		d->ops = &mock_device_ops; /* a slot names its own mock device */
		d->mock_flags = slot_mock_flags;
		snprintf(d->name, sizeof(d->name), "%s", d->ops->name);
	}
	if (!d->ops) {
		*unavailable = "no device provider takes this -d spec";
		return -ENODEV;
	}
	if (d->ops->available) {
		ret = d->ops->available(d, iommufd, unavailable);
		if (ret)
			return ret;
	}
	d->open = true;
	return d->ops->open(d, iommufd);
}

void device_close(struct test_device *d)
{
	if (!d->open)
		return;
	d->ops->close(d, d->iommufd);
	d->open = false;
}
