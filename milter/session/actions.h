/*
 * NAME
 *	actions.h - carry a decision out through libmilter
 * DESCRIPTION
 *	pcm_decide() picks the decision: a message too big to keep gets
 *	oversize_action; anything else goes through the pure decision step
 *	(policy/decide.c) with the configured policy.  pcm_apply() carries it
 *	out at end-of-message: reply codes, quarantine is the caller's, and
 *	for accepted mail the part edits (rebuilt body through
 *	smfi_replacebody, top-level Content-* headers through
 *	smfi_chgheader) and the X-Virus headers.
 */
#ifndef PCM_ACTIONS_H
#define PCM_ACTIONS_H

#include <libmilter/mfapi.h>
#include <portcullis/verdict.h>
#include "conf.h"
#include "decide.h"
#include "message.h"

void pcm_decide(const PcmConfig *conf, const PcmMsg *msg, const PcVerdict *verdict,
		const PcPolicy *policy, PcDecision *out);

/* leadspc: SMFIP_HDR_LEADSPC was agreed with the MTA.  A rewrite that
 * fails turns the decision into a tempfail (logged). */
sfsistat pcm_apply(SMFICTX *ctx, const PcmMsg *msg, const PcVerdict *verdict,
		   PcDecision *decision, gboolean leadspc);

#endif
