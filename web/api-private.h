/*
 * NAME
 *	api-private.h - what the API's parts (web/api_*.c) share
 */
#ifndef PCW_API_PRIVATE_H
#define PCW_API_PRIVATE_H

#include <json-glib/json-glib.h>
#include "api.h"

/* Answers */
void pcw_ok(PcwResponse *out, JsonBuilder *b);
void pcw_error(PcwResponse *out, guint status, const char *message);
void pcw_member(JsonBuilder *b, const char *name, const char *value);
void pcw_member_int(JsonBuilder *b, const char *name, gint64 value);
void pcw_member_strv(JsonBuilder *b, const char *name, char **values);

/* Requests */
const char *pcw_query(const PcwRequest *req, const char *name);
/* The query's number name, clamped to [min, max]; fallback when absent. */
gint64 pcw_query_int(const PcwRequest *req, const char *name, gint64 fallback, gint64 min,
		     gint64 max);
/* The JSON object of a POST (unref the parser when done), or NULL after a
 * 400 or 415 in out. */
JsonObject *pcw_body(const PcwRequest *req, JsonParser **parser, PcwResponse *out);
/* A member that is a string, or NULL. */
const char *pcw_body_string(JsonObject *o, const char *name);
/* A member that is an array of strings (up to max), or NULL (FALSE) when
 * it is something else. */
gboolean pcw_body_strv(JsonObject *o, const char *name, guint max, char ***out);

/* Whether user may see mail with this sender and these recipients. */
gboolean pcw_visible(const PcwUser *user, const char *sender, char **recipients);

/* The parts, each answering the paths under its prefix. */
void pcw_trace(PcwApi *api, const PcwUser *user, const PcwRequest *req, PcwResponse *out);
void pcw_stats(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	       PcwResponse *out);
void pcw_quarantine(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
		    PcwResponse *out);
void pcw_lists(PcwApi *api, const PcwUser *user, const PcwRequest *req, gint64 now,
	       PcwResponse *out);
void pcw_audit_list(PcwApi *api, const PcwUser *user, const PcwRequest *req,
		    PcwResponse *out);
void pcw_link(PcwApi *api, const PcwRequest *req, gint64 now, PcwResponse *out);

#endif
