/*
 * NAME
 *	quarantine.h - store a message instead of delivering it
 * DESCRIPTION
 *	pcm_quarantine_store() writes NAME.eml (the message exactly as the
 *	milter received it) and then NAME.env (a key file: envelope sender
 *	and recipients, client, HELO, queue id, time, verdict) into the
 *	quarantine directory.  Each file is written to a hidden temp name,
 *	fsync'ed and renamed; NAME.env appears last, so a quarantine entry
 *	with an .env file is always complete.  Only after it returns TRUE
 *	may the MTA be told to discard the message.
 */
#ifndef PCM_QUARANTINE_H
#define PCM_QUARANTINE_H

#include "message.h"

gboolean pcm_quarantine_store(const char *dir, const PcmConn *conn, const PcmMsg *msg,
			      const PcVerdict *verdict, char **name, GError **error);

#endif
