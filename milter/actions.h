/*
 * NAME
 *	actions.h - from verdict to what the MTA is told
 * DESCRIPTION
 *	pcm_decide() is pure policy: the configuration and a verdict in, one
 *	decision out (action, SMTP reply, X-Virus-Status value).  It is unit
 *	tested on its own.  pcm_apply() carries a decision out through
 *	libmilter at end-of-message.
 */
#ifndef PCM_ACTIONS_H
#define PCM_ACTIONS_H

#include <libmilter/mfapi.h>
#include <portcullis/verdict.h>
#include "conf.h"
#include "message.h"

typedef enum {
	PCM_ACT_ACCEPT,
	PCM_ACT_REJECT,
	PCM_ACT_TEMPFAIL,
	PCM_ACT_DISCARD,
	PCM_ACT_QUARANTINE,
} PcmAction;

typedef struct {
	PcmAction action;
	const char *rcode;	/* "550", for reject/tempfail */
	const char *xcode;	/* "5.7.1" */
	char *reply;		/* reply text, for reject/tempfail */
	char *status;		/* X-Virus-Status value, for accept */
} PcmDecision;

void pcm_decide(const PcmConfig *conf, const PcVerdict *verdict, PcmDecision *out);
/* Turns any decision into a tempfail (e.g. quarantine could not store). */
void pcm_decision_tempfail(PcmDecision *decision, const char *reply);
void pcm_decision_clear(PcmDecision *decision);
const char *pcm_action_name(PcmAction action);

/* leadspc: SMFIP_HDR_LEADSPC was agreed with the MTA. */
sfsistat pcm_apply(SMFICTX *ctx, const PcmMsg *msg, const PcmDecision *decision,
		   gboolean leadspc);

#endif
