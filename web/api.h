/*
 * NAME
 *	api.h - the web console's JSON API, apart from the HTTP server
 * DESCRIPTION
 *	pcw_api_handle() turns one request into one response; web/main.c
 *	carries them over libmicrohttpd.  Every answer is JSON with
 *	Cache-Control: no-store; the server adds the security headers.
 *	  POST /api/login    form name, password: sets the session cookie
 *	                     (HttpOnly, SameSite=Strict, Secure with TLS) and
 *	                     answers {"user", "role", "csrf"}
 *	  POST /api/logout   ends the session
 *	  GET  /api/history  the message trace, filters as portcullisctl
 *	                     history (sender, rcpt, queue_id, client, status,
 *	                     action, limit, offset); a domain administrator
 *	                     sees only records with an address in their
 *	                     domains (in the query, so pages stay full)
 *	  GET  /api/history/N one record (404 when it is not there or not the
 *	                     user's to see: the answer does not tell which)
 *	Every request but login needs the session cookie (401); every POST
 *	but login needs the session's CSRF token in X-CSRF-Token (403).  A GET
 *	never changes anything.
 */
#ifndef PCW_API_H
#define PCW_API_H

#include <glib.h>
#include "accounts.h"

typedef struct {
	PcwAccounts *accounts;
	PcwSessions *sessions;
	const char *history_dir;
	gboolean tls;
} PcwApi;

typedef struct {
	const char *method;
	const char *path;
	GHashTable *query;	/* name -> value, may be NULL */
	const char *session;	/* the cookie's token, or NULL */
	const char *csrf;	/* X-CSRF-Token, or NULL */
	const char *client;	/* address, for the login limit */
	const char *body;	/* form-urlencoded, may be NULL */
} PcwRequest;

typedef struct {
	guint status;
	char *body;		/* JSON */
	char *set_cookie;	/* or NULL */
} PcwResponse;

#define PCW_COOKIE "pcw_session"

void pcw_api_handle(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out);
void pcw_response_clear(PcwResponse *response);

#endif
