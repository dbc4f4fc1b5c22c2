/*
 * NAME
 *	autolearn.h - learn clear cases into the Bayes store as mail passes
 * DESCRIPTION
 *	With [spam] autolearn = yes, a message whose score without Bayes is
 *	at or above autolearn_spam is learned as spam, one below
 *	autolearn_ham as ham (Bayes is left out of the decision, so it does
 *	not teach itself its own mistakes).  The tokens the scan kept are
 *	queued before the MTA hears the answer and learned soon after by one
 *	writer thread, many messages per transaction.  The log line gets
 *	" autolearn=spam" or "=ham" (queued) or "=skipped" (the writer is too
 *	far behind); a failed write is logged with the queue ids it lost.
 */
#ifndef PCM_AUTOLEARN_H
#define PCM_AUTOLEARN_H

#include <glib.h>
#include <portcullis/verdict.h>
#include "message.h"

void pcm_autolearn(const PcmMsg *msg, const PcVerdict *verdict, GString *log_extra);
/* At exit, after the last message: learns what is queued, closes the store. */
void pcm_autolearn_shutdown(void);

#endif
