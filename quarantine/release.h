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
 *	A mark lets a message through once, and only for an entry that is in
 *	the quarantine: pcq_release_accept records each mark it accepts in
 *	QUARANTINE_DIR/.used-marks/ until the mark expires.
 */
#ifndef PCQ_RELEASE_H
#define PCQ_RELEASE_H

#include <glib.h>

#define PCQ_RELEASE_HEADER "X-Portcullis-Release"
/* Marks older than this are refused (a release is re-injected at once). */
#define PCQ_RELEASE_MAX_AGE (24 * 3600)
/* Under the quarantine directory: one file "TIME-MAC" per mark used. */
#define PCQ_RELEASE_USED_DIR ".used-marks"

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

/* pcq_release_verify, then: the id must be an entry of the quarantine in
 * dir (else "no such entry"), and the mark must not have been accepted
 * before (else "already used"); it is recorded as used.  Reasons that
 * are not one of these say what could not be done: refused all the
 * same, since a mark that cannot be recorded could be replayed. */
gboolean pcq_release_accept(const char *dir, GBytes *key, const char *value, gint64 now,
			    const char *const *recipients, const guint8 *message, gsize len,
			    char **id, char **reason);

/* Removes the records of marks that have expired (at now); *removed
 * counts them. */
gboolean pcq_release_purge_used(const char *dir, gint64 now, guint *removed, GError **error);

#endif
