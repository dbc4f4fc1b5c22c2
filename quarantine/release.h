/*
 * NAME
 *	release.h - the mark that lets a released message pass once
 * DESCRIPTION
 *	portcullisctl quarantine release re-injects a quarantined message
 *	with a header "X-Portcullis-Release: id=ID; t=UNIXTIME; mac=HEX".
 *	mac is HMAC-SHA256 under the secret in release_key_file over the id,
 *	the time, the envelope recipients of the release (sorted, lower case)
 *	and the SHA-256 of the message body (everything after the first empty
 *	line, with CR removed, so that line-ending changes in transit do not
 *	matter).  The milter verifies it: a valid, fresh mark means the
 *	message was released by someone holding the secret, for exactly
 *	these recipients and this body; anything else is scanned as usual.
 */
#ifndef PCQ_RELEASE_H
#define PCQ_RELEASE_H

#include <glib.h>

#define PCQ_RELEASE_HEADER "X-Portcullis-Release"
/* Marks older than this are refused (a release is re-injected at once). */
#define PCQ_RELEASE_MAX_AGE (24 * 3600)

/* Reads the secret; when the file does not exist and create is TRUE, makes
 * one (32 random bytes, hex, mode 0600).  NULL and error otherwise. */
GBytes *pcq_release_key_load(const char *path, gboolean create, GError **error);

/* The header value for a release of message (raw bytes) to recipients. */
char *pcq_release_mark(GBytes *key, const char *id, gint64 now,
		       const char *const *recipients, const guint8 *message, gsize len);

/* TRUE when value is a valid mark for this message and these recipients,
 * not older than PCQ_RELEASE_MAX_AGE at now; *id gets the entry id.
 * FALSE with a reason ("bad mac", "expired", "malformed") otherwise. */
gboolean pcq_release_verify(GBytes *key, const char *value, gint64 now,
			    const char *const *recipients, const guint8 *message, gsize len,
			    char **id, char **reason);

#endif
