// SPDX-License-Identifier: GPL-2.0-only
/*
 * The load-time liveness model: runs the parsed steps in order without touching anything, to
 * find an object used before it is created or after it was destroyed, one created again while it
 * still exists (two passes over a repeat block find what breaks from one iteration to the next),
 * and to count executed steps and DMA transfers against their budgets.
 */
#define LOG_PREFIX "simulate: "

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario/simulate.h"
#include "iommutest/scenario.h"
#include "iommutest/step.h"
#include "iommutest/stream.h"
#include "iommutest/util.h"

struct sim {
	char *live;              /* per symbol */
	const char **killed_at;  /* per symbol: path of the step that destroyed it */
};

static int sim_use(struct load_ctx *lc, struct sim *s, const struct step *st, int sym, const char *what)
{
	enum obj_kind k = lc->sc->syms[sym].kind;
	char path[300];

	if (!(k & OBJ_LIFETIME) || s->live[sym] || (st->expect && st->expect != EXPECT_EITHER))
		return 0;
	snprintf(path, sizeof(path), "%s (%s): \"%s\"", st->path, st->ops->name, what);
	if (s->killed_at[sym])
		return load_error(lc, path, "%s \"%s\" is used after it was destroyed at %s",
				  obj_kind_name(k), lc->sc->syms[sym].name, s->killed_at[sym]);
	return load_error(lc, path, "%s \"%s\" is used before it is created", obj_kind_name(k),
			  lc->sc->syms[sym].name);
}

static int simulate(struct load_ctx *lc, struct sim *s, const struct step *steps, size_t n,
		    uint64_t mult, uint64_t *exec, uint64_t *dma)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *st = &steps[i];

		if (!st->ops) {
			uint64_t m;

			if (__builtin_mul_overflow(mult, st->repeat, &m) || m > SCENARIO_MAX_EXEC_STEPS)
				return load_error(lc, st->path, "repeat %llu: the scenario would run more than %llu steps",
						  (unsigned long long)st->repeat, SCENARIO_MAX_EXEC_STEPS);
			if (st->stream && mult &&
			    (__builtin_mul_overflow(mult, stream_exec_dma(st->stream), &m) ||
			     add_overflows(*dma, m, dma) || *dma > SCENARIO_MAX_EXEC_DMA))
				return load_error(lc, st->path, "the scenario would run more than %llu DMA transfers",
						  SCENARIO_MAX_EXEC_DMA);
			if (__builtin_mul_overflow(mult, st->repeat, &m))
				return -EINVAL;
			/* two passes find what breaks from one iteration to the next */
			for (uint64_t it = 0; it < (st->repeat > 1 ? 2 : 1); it++) {
				uint64_t e = 0, d = 0;

				if (simulate(lc, s, st->children, st->nchildren, it ? 0 : m, it ? &e : exec,
					     it ? &d : dma))
					return -EINVAL;
			}
			continue;
		}
		if (mult) {
			if (add_overflows(*exec, mult, exec) || *exec > SCENARIO_MAX_EXEC_STEPS)
				return load_error(lc, st->path, "the scenario would run more than %llu steps",
						  SCENARIO_MAX_EXEC_STEPS);
			if ((st->ops->flags & STEP_DMA) &&
			    (add_overflows(*dma, mult, dma) || *dma > SCENARIO_MAX_EXEC_DMA))
				return load_error(lc, st->path, "the scenario would run more than %llu DMA transfers",
						  SCENARIO_MAX_EXEC_DMA);
		}
		for (size_t a = 0; st->ops->args[a].name; a++) {
			const struct arg_def *d = &st->ops->args[a];
			const void *f = (const char *)st->args + d->off;
			int sym = -1;

			if (!(st->given & (1ull << a)) && !d->def)
				continue;
			if (d->type == ARG_REF)
				sym = *(const int *)f;
			else if (d->type == ARG_IOVA)
				sym = ((const struct iova_arg *)f)->mapping >= 0 ?
				      ((const struct iova_arg *)f)->mapping : ((const struct iova_arg *)f)->ranges;
			if (sym >= 0 && sim_use(lc, s, st, sym, d->name))
				return -EINVAL;
		}
		if (st->expect)
			continue; /* a step that must fail creates and destroys nothing */
		for (size_t a = 0; st->ops->args[a].name; a++) {
			const struct arg_def *d = &st->ops->args[a];
			const void *f = (const char *)st->args + d->off;

			if (!(st->given & (1ull << a)))
				continue;
			if (d->type == ARG_REF && d->kills) {
				int sym = *(const int *)f;

				s->live[sym] = 0;
				s->killed_at[sym] = st->path;
			} else if (d->type == ARG_NEW) {
				int sym = *(const int *)f;

				if (s->live[sym] && !(lc->sc->syms[sym].kind & OBJ_RETAKEN)) {
					char path[300];

					snprintf(path, sizeof(path), "%s (%s)", st->path, st->ops->name);
					return load_error(lc, path, "%s \"%s\" is created again while it still exists (destroy it first)",
							  obj_kind_name(lc->sc->syms[sym].kind), lc->sc->syms[sym].name);
				}
				s->live[sym] = 1;
				s->killed_at[sym] = NULL;
			}
		}
	}
	return 0;
}

int scenario_simulate(struct load_ctx *lc)
{
	struct scenario *sc = lc->sc;
	struct sim sim = { 0 };
	int ret;

	sim.live = calloc(sc->nsyms + 1, 1);
	sim.killed_at = calloc(sc->nsyms + 1, sizeof(*sim.killed_at));
	if (!sim.live || !sim.killed_at) {
		ret = -ENOMEM;
		goto free_sim;
	}
	ret = simulate(lc, &sim, sc->steps, sc->nsteps, 1, &sc->exec_steps, &sc->exec_dma);
free_sim:
	free(sim.live);
	free(sim.killed_at);
	return ret;
}
