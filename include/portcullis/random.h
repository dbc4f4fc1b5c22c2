/*
 * NAME
 *	random.h - random bytes for secrets and for ids others can see
 * DESCRIPTION
 *	Everything that is a secret (the release key, the notification-loop
 *	secret) or that the daemon shows to others (Message-IDs, queue
 *	names, quarantine ids) comes from the kernel's CSPRNG, getrandom(2).
 *	GLib's g_random_* is a Mersenne Twister: a few hundred outputs seen
 *	outside give away its state and with it every other output, so it is
 *	never used for these and never used as a fallback.
 */
#ifndef PC_RANDOM_H
#define PC_RANDOM_H

#include <glib.h>

#define PC_RANDOM_ERROR (pc_random_error_quark())
GQuark pc_random_error_quark(void);

/* Fills buf with len bytes from getrandom(2) (interrupted and short reads
 * are continued).  FALSE and error when the kernel cannot give them. */
gboolean pc_random_bytes(void *buf, gsize len, GError **error);

/* len random bytes as 2*len lowercase hex digits; NULL and error as above. */
char *pc_random_hex(gsize len, GError **error);

/* Whether two secrets (macs) are equal, in a time that does not tell how
 * much of a guess was right. */
gboolean pc_secret_equal(const char *a, const char *b);

#endif
