/*
 * NAME
 *	rescore.h - rule weights learned from a site's own mail
 * DESCRIPTION
 *	A regularised logistic regression over the rules each message hit:
 *	P(spam) = 1 / (1 + exp(-(score - threshold))), the score being the sum
 *	of the weights of the rules hit plus an offset the fit leaves alone
 *	(the learners' part, when they learned the same messages).  It
 *	minimises
 *	    sum over messages of cost * log loss  +  prior_strength * sum (w - published)^2
 *	where a ham costs ham_cost (a false positive is worse than a miss) and
 *	a spam 1, keeping each weight on the side of zero its published score
 *	is on (a rule written as a ham sign stays one).  A rule few messages
 *	hit moves little from its published score: the prior outweighs it.
 */
#ifndef PORTCULLIS_RESCORE_H
#define PORTCULLIS_RESCORE_H

#include <glib.h>

typedef struct {
	const guint *hits;	/* indices of the rules it hit */
	guint n_hits;
	double offset;		/* score the fit does not change */
	gboolean spam;
} PcRescoreMessage;

typedef struct {
	double threshold;	/* the spam threshold, e.g. 5 */
	double ham_cost;	/* e.g. 10 */
	double prior_strength;	/* e.g. 1 */
	guint iterations;	/* e.g. 3000 */
} PcRescoreParams;

/* weights: n_rules published scores in, fitted weights out. */
void pc_rescore_fit(const PcRescoreMessage *messages, guint n, double *weights, guint n_rules,
		    const PcRescoreParams *params);
/* The objective above, for tests and progress reports. */
double pc_rescore_loss(const PcRescoreMessage *messages, guint n, const double *weights,
		       const double *published, guint n_rules, const PcRescoreParams *params);

#endif
