/*
 * NAME
 *	accounts.h - the web console's users, passwords and sessions
 * DESCRIPTION
 *	The users file has one account a line, "NAME:HASH:ROLE[:DOMAINS]":
 *	ROLE admin sees and acts on everything; ROLE domain only on mail to
 *	or from DOMAINS (comma-separated; a subdomain counts).  HASH is a
 *	crypt(3) hash, yescrypt ($y$) or bcrypt ($2b$), made by
 *	pcw_password_hash(); "#" starts a comment.  Errors say FILE:LINE.
 *
 *	Sessions live in memory: a random 256-bit token (the cookie) and a
 *	separate CSRF token, ended by an idle timeout, a fixed lifetime or
 *	logout.  Failed logins are limited per name and per client address:
 *	past PCW_LOGIN_FAILURES within PCW_LOGIN_WINDOW seconds, every login
 *	of that name or from that address is refused for the window, right
 *	password or not.  An unknown name costs the same hash as a known one,
 *	so timing does not tell which names exist.
 * THREAD SAFETY
 *	PcwAccounts is read-only once loaded (a changed file is a new one);
 *	PcwSessions locks itself.
 */
#ifndef PCW_ACCOUNTS_H
#define PCW_ACCOUNTS_H

#include <glib.h>

#define PCW_ERROR (pcw_error_quark())
GQuark pcw_error_quark(void);

#define PCW_LOGIN_FAILURES 5
#define PCW_LOGIN_WINDOW 900

typedef enum { PCW_ROLE_ADMIN, PCW_ROLE_DOMAIN } PcwRole;

typedef struct {
	char *name;
	char *hash;
	PcwRole role;
	char **domains;		/* lower case; empty for admins */
} PcwUser;

typedef struct _PcwAccounts PcwAccounts;

PcwAccounts *pcw_accounts_load(const char *path, GError **error);
/* No accounts (a users file that is not there yet). */
PcwAccounts *pcw_accounts_new(void);
/* Reference counted: a request keeps the set it started with while the
 * console reads a changed file. */
PcwAccounts *pcw_accounts_ref(PcwAccounts *accounts);
void pcw_accounts_free(PcwAccounts *accounts);	/* drops a reference */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcwAccounts, pcw_accounts_free)
const PcwUser *pcw_accounts_find(const PcwAccounts *accounts, const char *name);

/* A yescrypt hash of password with a fresh salt; NULL and error when
 * libcrypt cannot make one. */
char *pcw_password_hash(const char *password, GError **error);
/* TRUE when password matches hash (compared in constant time). */
gboolean pcw_password_check(const char *hash, const char *password);

/* Whether user may see mail that address (a sender or recipient) is on. */
gboolean pcw_user_sees(const PcwUser *user, const char *address);

typedef struct _PcwSessions PcwSessions;

PcwSessions *pcw_sessions_new(guint idle_s, guint lifetime_s);
void pcw_sessions_free(PcwSessions *sessions);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcwSessions, pcw_sessions_free)

/* A new session's token (and *csrf), or NULL with an error that says
 * only "wrong name or password" or "too many failed logins, try later". */
char *pcw_login(PcwSessions *sessions, const PcwAccounts *accounts, const char *name,
		const char *password, const char *address, gint64 now, char **csrf,
		GError **error);
/* The session's user name (to free), or NULL when the token is unknown or expired
 * (an idle session's clock restarts with each use). */
char *pcw_session_user(PcwSessions *sessions, const char *token, gint64 now);
/* TRUE when csrf is the token's CSRF token (constant time). */
gboolean pcw_session_csrf_ok(PcwSessions *sessions, const char *token, const char *csrf);
/* The live session's CSRF token (to free), for a page loaded again; or NULL. */
char *pcw_session_csrf(PcwSessions *sessions, const char *token, gint64 now);
void pcw_logout(PcwSessions *sessions, const char *token);

#endif
