/*
 * NAME
 *	links.h - recipients' links: signed, expiring, one message each
 * DESCRIPTION
 *	A digest (portcullisctl digest) lists each recipient's quarantined
 *	spam with a link BASE_URL/#/link/TOKEN.  TOKEN is
 *	base64url("1\nID\nRECIPIENT\nEXPIRES") "." base64url(HMAC-SHA256),
 *	under a key derived from release_key_file's secret (so no new
 *	secret is to be kept): it names one entry and one recipient, and
 *	cannot be changed to name another or to last longer.  The token is
 *	in the URL's fragment, which browsers do not send: it stays out of
 *	proxies' and servers' logs.  Following it shows the message; only a
 *	POST of it releases (mail link scanners only GET).
 */
#ifndef PCW_LINKS_H
#define PCW_LINKS_H

#include <glib.h>

#define PCW_LINK_ERROR (pcw_link_error_quark())
GQuark pcw_link_error_quark(void);
typedef enum { PCW_LINK_BAD, PCW_LINK_EXPIRED } PcwLinkError;

/* The links' key, from the release key's bytes. */
GBytes *pcw_link_key(GBytes *release_key);

char *pcw_link_token(GBytes *key, const char *id, const char *recipient, gint64 expires);
/* TRUE with the entry id and recipient (lower case) when token is ours,
 * unaltered and not expired at now. */
gboolean pcw_link_verify(GBytes *key, const char *token, gint64 now, char **id,
			 char **recipient, gint64 *expires, GError **error);

/* Whether digests list, and links release, mail of this status name:
 * statuses is [web] digest_statuses (a bit per PcStatus). */
gboolean pcw_digest_status(guint statuses, const char *status);

/* The opt-out file: one address a line, lower case. */
GHashTable *pcw_optout_load(const char *path);
gboolean pcw_optout_add(const char *path, const char *recipient, GError **error);

#endif
