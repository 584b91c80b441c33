/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DMA in flight across a block of steps: a "stream" block keeps up to N asynchronous transfers
 * running on one device while its steps (replace, detach/attach, unmap, ...) run, and accounts
 * for every transfer afterwards (src/scenario/stream.c). See README.md "Streams".
 *
 * Every transfer copies one device slot (dev_offset + k * length, its bytes read once at the
 * start through the domain attached then) to one destination slot (iova + j * length). A
 * destination slot is poisoned in every watched buffer before its transfer starts and belongs to
 * that transfer alone until it is reaped, so the bytes found there are attributable to exactly
 * it. The runner records which buffer the device's domain maps at the stream's IOVA after every
 * step; a transfer may land only in a buffer one of the translations in force during its
 * lifetime (start to reaped) maps, wholly, once — or nowhere when one of them mapped nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommutest/args.h"
#include "iommutest/output.h"

struct load_ctx;
struct run_ctx;
struct step;

#define STREAM_MAX_WATCH 8

struct stream_args {
	int device;
	struct iova_arg iova;
	uint64_t length;
	uint64_t slots;
	uint64_t dev_offset;
	uint64_t dev_slots;
	uint64_t in_flight;
	uint64_t transfers;
	uint64_t duration_ms;
	struct string_list watch;
	uint64_t watch_offset;
	struct iova_arg reference;
	uint64_t seed;
	uint64_t jitter_us;
	uint64_t faults; /* enum stream_faults */
	uint64_t given;  /* bit i: stream_argdefs[i] was in the file */
	/* resolved at load */
	int watch_sym[STREAM_MAX_WATCH];
	size_t nwatch;
};

/* the stream's argument table (for the schema and `iommutest list steps`) */
extern const struct arg_def stream_argdefs[];

/* Parse the "stream" object of a block at path into st->stream. 0 or -EINVAL (reported). */
int stream_parse(struct load_ctx *lc, const char *path, void *json, struct step *st);
void stream_free(struct stream_args *a);
/* DMA transfers the block issues (for the scenario's bounds) */
uint64_t stream_exec_dma(const struct stream_args *a);

/* ---- run time, driven by the runner (src/scenario/runner.c) ---- */
struct stream;
/* Start: the device slots' reference reads, the watched slots poisoned. RESULT_PASS, or a
 * result and why (SKIP: the engine has no asynchronous transfers, ...). *out on success. */
enum result stream_begin(struct run_ctx *rc, const struct step *st, struct stream **out, char *why,
			 size_t len);
/* Whether the block's steps must run again: at least "repeat" iterations, and until every
 * transfer is issued. */
bool stream_wants_more(struct stream *s, uint64_t iterations_done);
/* Around each step inside the block: keep the queue full and reap what completed (before), and
 * record the translation the step left and what completed while it ran (after). */
void stream_before_step(struct stream *s, const struct step *st);
void stream_after_step(struct stream *s, const struct step *st);
/* Drain, account, report (diagnostics) and free. Returns the block's result (why on failure). */
enum result stream_end(struct stream *s, enum result r, uint64_t iterations, char *why, size_t len);
