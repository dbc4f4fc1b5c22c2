/*
 * NAME
 *	api.h - the web console's JSON API, apart from the HTTP server
 * DESCRIPTION
 *	pcw_api_handle() turns one request into one response; web/main.c
 *	carries them over libmicrohttpd and serves the page application's
 *	files ([web] static_dir) for every path outside /api/.  Every answer
 *	here is JSON ({"error": "why"} on failure) with Cache-Control:
 *	no-store; the server adds the security headers.  Bodies of POSTs are
 *	JSON objects (Content-Type: application/json), but login's form.
 *
 *	Sessions
 *	  POST /api/login    form name, password: sets the session cookie
 *	                     (HttpOnly, SameSite=Strict, Secure with TLS) and
 *	                     answers {"user", "role", "domains", "csrf"}
 *	  GET  /api/me       the same object for the session's user
 *	  POST /api/logout   ends the session
 *	Message trace
 *	  GET  /api/history  filters sender, rcpt, queue_id, client, status,
 *	                     action, since, before (Unix seconds), limit
 *	                     (<= 1000, default 100), offset: [records], newest
 *	                     first; a record: id, time, queue_id, client,
 *	                     sender, recipients[], size, group, status, action,
 *	                     reply, reason, quarantine_id, spam_score,
 *	                     spam_tests, ms, detail
 *	  GET  /api/history/N one record
 *	Quarantine
 *	  GET  /api/quarantine  filters status, sender, rcpt, since, before,
 *	                     limit (<= 1000, default 100), offset:
 *	                     {"entries": [entry], "more": bool}, newest first;
 *	                     an entry: id, received, queue_id, sender,
 *	                     recipients[], group, status, action, reason, size,
 *	                     released (text or null), damage (text or null)
 *	  GET  /api/quarantine/ID   the entry and client_address, client_name,
 *	                     helo, subject, findings[] ("PATH STATUS NAME"),
 *	                     objects[] ({path, depth, declared, detected, size,
 *	                     status, name}), headers[] ({name, value})
 *	  GET  /api/quarantine/ID/preview  {"text", "part", "truncated"}: the
 *	                     first text part as plain text (HTML reduced to its
 *	                     text), at most 64 KB; never markup
 *	  GET  /api/quarantine/ID/download  the stored message, as an
 *	                     attachment (application/octet-stream)
 *	  POST /api/quarantine/ID/release  {"to": [addresses]} (optional; by
 *	                     default the original recipients the user may see)
 *	  POST /api/quarantine/ID/delete   {}
 *	  POST /api/quarantine/ID/learn    {"class": "spam"|"ham"}
 *	                     each answers {"id", "done": "release" | "delete" |
 *	                     "spam" | "ham", "released": every release so far,
 *	                     "TIME UTC to A,B[; TIME UTC to C]" (absent when
 *	                     none)}; 403 when it is not the user's to do, 409
 *	                     when it failed
 *	  POST /api/quarantine/bulk  {"action": "release"|"delete"|"spam"|"ham",
 *	                     "ids": [ID, ...] (<= 1000)}: {"results":
 *	                     [{"id", "ok", "error"}]}
 *	Sender lists ([spam] allow_senders_file, block_senders_file)
 *	  GET  /api/lists    {"allow": [masks], "block": [masks]}
 *	  POST /api/lists    {"list": "allow"|"block", "op": "add"|"remove",
 *	                     "mask": ADDRESS-OR-MASK} (no re: or file: masks);
 *	                     the daemon rereads its configuration (control
 *	                     socket "reload policy"): {"list", "op", "mask",
 *	                     "reloaded": bool, "reload_error" when not}
 *	Statistics
 *	  GET  /api/stats    hours (1..720, default 24): {"hours", "bucket"
 *	                     (seconds), "series": [{"time", "accept",
 *	                     "reject", "quarantine", "tempfail", "discard",
 *	                     "other", "ms_p50", "ms_p95" (null: no mail)}], "by_status":
 *	                     {status: n}, "top_detections", "top_senders",
 *	                     "top_clients" ([{"name", "count"}], rejected or
 *	                     quarantined mail), "daemon": {counters} or null,
 *	                     "database": {"version", "age_seconds"} or null}
 *	Audit (administrators)
 *	  GET  /api/audit    limit: [{"time", "user", "action", "what"}],
 *	                     newest first
 *	Recipients' links (no session: the signed token is the permission)
 *	  GET  /api/link?t=TOKEN  {"id", "recipient", "sender", "subject",
 *	                     "received", "status", "reason", "expires",
 *	                     "released" (bool: to this recipient)}; changes
 *	                     nothing.  403 altered, 410 expired, 404 no longer
 *	                     quarantined
 *	  POST /api/link/release  {"t": TOKEN}: releases to that recipient
 *	                     only, once: {"released": true}; 409 the second time
 *	  POST /api/link/optout   {"t": TOKEN}: no more digests for them:
 *	                     {"opted_out": true}
 *
 *	Permissions: an administrator sees and does everything; a domain
 *	administrator sees only history records and quarantine entries with
 *	an address in their domains (others are 404, not 403: the answer does
 *	not say they exist), releases only to recipients in their domains,
 *	and gets 403 for the sender lists, the audit log and the daemon's
 *	counters (they are the whole gateway's).  Every request but login and
 *	the links needs the session cookie (401); every POST but login and the
 *	links needs the session's CSRF token in X-CSRF-Token (403).  A GET
 *	never changes anything.  Releases, deletions, learning and list
 *	changes are written to the audit log ([web] audit_log).
 */
#ifndef PCW_API_H
#define PCW_API_H

#include <glib.h>
#include "accounts.h"
#include "conf.h"

typedef struct {
	GMutex lock;		/* over accounts and users_stamp */
	PcwAccounts *accounts;	/* the users file as last read */
	char *users_stamp;	/* its inode, size and time then */
	PcwSessions *sessions;
	const PcmConfig *conf;
	gboolean tls;
	GBytes *link_key;	/* signs recipients' links (links.h); NULL: none */
} PcwApi;

typedef struct {
	const char *method;
	const char *path;
	GHashTable *query;	/* name -> value, may be NULL */
	const char *session;	/* the cookie's token, or NULL */
	const char *csrf;	/* X-CSRF-Token, or NULL */
	const char *client;	/* address, for the login limit */
	gboolean https;		/* over TLS, here or at a reverse proxy */
	const char *content_type;
	const char *body;	/* may be NULL */
} PcwRequest;

typedef struct {
	guint status;
	char *body;		/* JSON, or NULL when data is set */
	GBytes *data;		/* a file's bytes (download), or NULL */
	char *disposition;	/* Content-Disposition with data */
	char *set_cookie;	/* or NULL */
} PcwResponse;

#define PCW_COOKIE "pcw_session"

/* Reads [web] users_file (a file not there yet is no accounts): FALSE and
 * error when it cannot be read or is broken. */
gboolean pcw_api_init(PcwApi *api, const PcmConfig *conf, PcwSessions *sessions, gboolean tls,
		      GError **error);
void pcw_api_clear(PcwApi *api);
void pcw_api_handle(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out);
void pcw_response_clear(PcwResponse *response);

#endif
