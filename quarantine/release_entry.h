/*
 * NAME
 *	release_entry.h - a person releases a quarantine entry, with any tool
 * DESCRIPTION
 *	portcullisctl quarantine and portcullis-web release entries through
 *	this one function, so that both mark, deliver and record a release
 *	the same way.
 */
#ifndef PCQ_RELEASE_ENTRY_H
#define PCQ_RELEASE_ENTRY_H

#include <glib.h>
#include "store.h"

typedef struct {
	const char *dir;		/* quarantine_dir */
	const char *key_file;		/* release_key_file */
	const char *sendmail_path;
	const char *relay;		/* [notify] relay: used instead when set */
} PcqReleaseTarget;

/* Delivers entry's message as stored, with a release mark (release.h), to
 * recipients (NULL: its own) through the relay or sendmail_path (as
 * pcn_deliver), then records the
 * release in its ID.meta and the index (released: "TIME UTC to A,B", each
 * release after the ones before, separated by "; ").  A damaged entry is refused.
 * FALSE and error when nothing was delivered; *warning (may be NULL) says
 * when the message went but the record could not be written. */
gboolean pcq_release_entry(const PcqReleaseTarget *target, PcqEntry *entry,
			   const char *const *recipients, gint64 now, char **warning,
			   GError **error);

#endif
