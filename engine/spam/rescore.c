/*
 * NAME
 *	rescore.c - rule weights fitted to a site's mail (rescore.h)
 * DESCRIPTION
 *	Projected gradient descent, each weight's step scaled by a bound on
 *	its own curvature (a logistic loss curves at most 1/4) times the most
 *	rules one message hit: the Hessian is then dominated, so every step
 *	lowers the objective without a line search.  Slow near the end, but a
 *	site's corpus is thousands of messages and hundreds of rules: a few
 *	thousand passes take well under a second.
 */
#include "config.h"

#include <math.h>
#include <portcullis/rescore.h>

static double
pc_rescore_score(const PcRescoreMessage *m, const double *w)
{
	double s = m->offset;

	for (guint j = 0; j < m->n_hits; j++)
		s += w[m->hits[j]];
	return s;
}

static double
pc_rescore_cost(const PcRescoreMessage *m, const PcRescoreParams *p)
{
	return m->spam ? 1.0 : p->ham_cost;
}

/* log(1 + exp(x)) without overflow. */
static double
pc_softplus(double x)
{
	return x > 30 ? x : log1p(exp(x));
}

double
pc_rescore_loss(const PcRescoreMessage *msgs, guint n, const double *w, const double *published,
		guint n_rules, const PcRescoreParams *p)
{
	double loss = 0;

	for (guint i = 0; i < n; i++) {
		double z = pc_rescore_score(&msgs[i], w) - p->threshold;

		loss += pc_rescore_cost(&msgs[i], p) * pc_softplus(msgs[i].spam ? -z : z);
	}
	for (guint r = 0; r < n_rules; r++)
		loss += p->prior_strength * (w[r] - published[r]) * (w[r] - published[r]);
	return loss;
}

/* Back to the published score's side of zero. */
static double
pc_rescore_project(double w, double published)
{
	if (published > 0 && w < 0)
		return 0;
	if (published < 0 && w > 0)
		return 0;
	return w;
}

void
pc_rescore_fit(const PcRescoreMessage *msgs, guint n, double *w, guint n_rules,
	       const PcRescoreParams *p)
{
	g_autofree double *published = g_memdup2(w, n_rules * sizeof(double));
	g_autofree double *grad = g_new(double, n_rules);
	g_autofree double *curve = g_new0(double, n_rules);
	guint widest = 1;

	for (guint i = 0; i < n; i++) {
		widest = MAX(widest, msgs[i].n_hits);
		for (guint j = 0; j < msgs[i].n_hits; j++)
			curve[msgs[i].hits[j]] += 0.25 * pc_rescore_cost(&msgs[i], p);
	}
	for (guint r = 0; r < n_rules; r++)
		curve[r] = curve[r] * widest + 2 * p->prior_strength;
	for (guint it = 0; it < p->iterations; it++) {
		for (guint r = 0; r < n_rules; r++)
			grad[r] = 2 * p->prior_strength * (w[r] - published[r]);
		for (guint i = 0; i < n; i++) {
			double z = pc_rescore_score(&msgs[i], w) - p->threshold;
			/* d loss / d score: cost * (P(spam) - label) */
			double g = pc_rescore_cost(&msgs[i], p) *
				   (1.0 / (1.0 + exp(-z)) - (msgs[i].spam ? 1.0 : 0.0));

			for (guint j = 0; j < msgs[i].n_hits; j++)
				grad[msgs[i].hits[j]] += g;
		}
		for (guint r = 0; r < n_rules; r++)
			w[r] = pc_rescore_project(w[r] - grad[r] / curve[r], published[r]);
	}
}
