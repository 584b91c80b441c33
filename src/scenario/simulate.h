/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loader's last pass (src/scenario/simulate.c): a dry run of the parsed steps that models object
 * lifetimes (use before create, use after destroy, created twice, also across repeat iterations)
 * and counts what the scenario would execute against its budgets.
 */
#pragma once

struct load_ctx;

/*
 * Walk lc->sc->steps as the runner would, without touching anything; fills sc->exec_steps and
 * sc->exec_dma. 0, -EINVAL (reported with load_error) or -ENOMEM.
 */
int scenario_simulate(struct load_ctx *lc);
