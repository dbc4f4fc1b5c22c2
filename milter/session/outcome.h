/*
 * NAME
 *	outcome.h - what happens to a message, over its recipients' groups
 * DESCRIPTION
 *	pcm_outcome_decide() scans the message and decides under the policy
 *	of each distinct group among its recipients (one scan serves groups
 *	that scan alike), and keeps the strictest decision
 *	(pc_decision_severity): with group_conflict = strictest, the most
 *	protective outcome applies to the whole message; with split every
 *	recipient is in the same group, so there is one.
 *
 *	A message with a valid release mark (see quarantine/release.h) for
 *	exactly its recipients was released by an administrator: it is
 *	delivered without being scanned or quarantined again.  An invalid
 *	mark is logged and the message is scanned as any other.
 */
#ifndef PCM_OUTCOME_H
#define PCM_OUTCOME_H

#include "decide.h"
#include "message.h"

typedef struct {
	PcVerdict *verdict;		/* what the decision is about */
	PcDecision decision;
	const PcGroup *group;		/* whose policy decided; NULL: the default */
	const PcPolicy *policy;
	char *groups;			/* for the log: "sales", "sales(strictest of sales,default)" */
	GPtrArray *verdicts;		/* owned */
	char *released;			/* quarantine id of a valid release mark */
	gint64 decision_us;		/* time in the policy, every group's */
} PcmOutcome;

void pcm_outcome_decide(PcmMsg *msg, PcmOutcome *out);
void pcm_outcome_clear(PcmOutcome *out);
/* The status the records show (log counters, history, quarantine, notices):
 * the verdict's, or spam for a block-listed sender with a clean verdict. */
PcStatus pcm_outcome_status(const PcmOutcome *outcome);

#endif
