/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For DMA engines that drive real registers: MMIO accessors on a mapped BAR, the barriers
 * between memory a device reads and the doorbell that tells it to, and little-endian loads
 * from device-written structures. Static inline: each is one access or one instruction.
 */
#pragma once

#include <stdint.h>

static inline uint32_t mmio_read32(volatile uint8_t *bar, unsigned int off)
{
	return *(volatile uint32_t *)(bar + off);
}

static inline void mmio_write32(volatile uint8_t *bar, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

/* one 64-bit access (a device that takes them: edu) */
static inline void mmio_write64(volatile uint8_t *bar, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off) = v;
}

/* a 64-bit register as two 32-bit accesses, low half first, which every controller takes */
static inline uint64_t mmio_read64_lo_hi(volatile uint8_t *bar, unsigned int off)
{
	uint64_t lo = mmio_read32(bar, off);

	return lo | (uint64_t)mmio_read32(bar, off + 4) << 32;
}

static inline void mmio_write64_lo_hi(volatile uint8_t *bar, unsigned int off, uint64_t v)
{
	mmio_write32(bar, off, (uint32_t)v);
	mmio_write32(bar, off + 4, (uint32_t)(v >> 32));
}

/* memory the device will read (queue entries) before the doorbell write that points it there */
static inline void io_wmb(void)
{
#if defined(__aarch64__)
	__asm__ volatile("dsb st" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* the device's flag (a completion's phase tag) before the fields it guards */
static inline void io_rmb(void)
{
#if defined(__aarch64__)
	__asm__ volatile("dsb ld" ::: "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline uint16_t le16_load(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32_load(const uint8_t *p)
{
	return (uint32_t)le16_load(p) | (uint32_t)le16_load(p + 2) << 16;
}

static inline uint64_t le64_load(const uint8_t *p)
{
	return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}
