/*
 * NAME
 *	notices.h - the notifications a decision asks for
 * DESCRIPTION
 *	pcm_notices_send() renders one notification per party the decision
 *	names (the administrator; each recipient; the sender, never for the
 *	null sender) from the runtime's templates in the policy's language,
 *	queues them on disk and wakes the sender thread.  It never waits on
 *	the network and never changes what happens to the message: a failure
 *	is a log line.  A notification of ours passing through the milter
 *	again (its X-Portcullis-Notification is the HMAC of its own
 *	Message-ID under this daemon's in-memory secret) causes none, and
 *	neither does automatic mail to the null sender (Auto-Submitted other
 *	than "no", or our header, RFC 3834), so notifications cannot loop
 *	whether or not there is a release key.
 *
 *	pcm_notices_start()/reconfigure()/stop() run the sender thread with
 *	the [notify] transport keys.
 */
#ifndef PCM_NOTICES_H
#define PCM_NOTICES_H

#include "notify.h"
#include "outcome.h"

void pcm_notices_send(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
		      const char *quarantine_id);

void pcm_notices_start(const PcmConfig *conf);
void pcm_notices_reconfigure(const PcmConfig *conf);
void pcm_notices_stop(void);

/* The sender's counts; FALSE when it is not running. */
gboolean pcm_notices_counts(PcnWorkerCounts *out);

#endif
