/*
 * NAME
 *	quarantine.h - keep a message in the quarantine or the archive
 * DESCRIPTION
 *	pcm_quarantine_store() writes the message as the milter received it
 *	and its metadata (envelope, client, HELO, queue id, group, findings,
 *	action, object tree) as one entry of the store in dir
 *	(quarantine/store.h): durable before it returns TRUE, which is when
 *	the MTA may be told to accept or discard.  The index is updated too;
 *	if only that fails, a warning is logged (portcullisctl reindexes).
 */
#ifndef PCM_QUARANTINE_H
#define PCM_QUARANTINE_H

#include "outcome.h"

gboolean pcm_quarantine_store(const char *dir, const PcmConn *conn, const PcmMsg *msg,
			      const PcmOutcome *outcome, char **id, GError **error);

#endif
