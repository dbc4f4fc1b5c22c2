/*
 * NAME
 *	history.h - the milter's side of the message trace (history/trace.h)
 * DESCRIPTION
 *	pcm_history_record() copies what the log line says about a message
 *	into a queue; one writer thread adds the queue to [history] dir in
 *	batches and purges past max_entries and max_age.  A message never
 *	waits for the store: when the writer is far behind (a slow disk) the
 *	entry is dropped and counted, and a warning says so every 5 minutes.
 */
#ifndef PCM_HISTORY_H
#define PCM_HISTORY_H

#include "message.h"
#include "outcome.h"

void pcm_history_record(const PcmConn *conn, const PcmMsg *msg, const PcmOutcome *outcome,
			const char *quarantine_id, const char *detail);
/* At exit, after the last message: writes what is queued. */
void pcm_history_shutdown(void);

#endif
