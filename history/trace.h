/*
 * NAME
 *	trace.h - the message trace: a bounded record of recent messages
 * SYNOPSIS
 *	store = pch_open("/var/lib/portcullis/history", &error);
 *	pch_add(store, &entry, &error);
 *	pch_search(store, &(PchFilter){ .sender = "example.org" }, visit, data, &error);
 *	pch_close(store);
 * DESCRIPTION
 *	One row per message the milter answered, in DIR/history.sqlite: what
 *	its log line says, in fields a postmaster searches by (sender,
 *	recipient, queue id, client, status, action, time).  The milter writes
 *	it from one thread, off the message path; portcullisctl history and the
 *	web console read it.  WAL mode and a busy timeout let them share it.
 *	The values are stored as received (addresses, names): each reader
 *	escapes them for where it shows them.  detail is the log line's text
 *	after the envelope, already escaped as the log escapes it.
 */
#ifndef PCH_TRACE_H
#define PCH_TRACE_H

#include <glib.h>

#define PCH_ERROR (pch_error_quark())
GQuark pch_error_quark(void);

typedef struct {
	gint64 id;		/* the row's, given by pch_add */
	gint64 time;		/* Unix seconds of the answer */
	char *queue_id;
	char *client;		/* "name[address]" */
	char *sender;		/* "" for <> */
	char **recipients;	/* NULL-terminated */
	guint64 size;
	char *group;
	char *status;		/* the worst found: "clean", "infected"... */
	char *action;		/* "accept", "reject"... */
	char *reply;		/* "550 5.7.1 text"; "" when no code was given */
	char *reason;		/* why it was blocked; "" when it was not */
	char *quarantine_id;	/* "" when not quarantined */
	double spam_score;
	char *spam_tests;	/* "A,B"; "" when none or not scanned */
	char *detail;
	double ms;		/* MAIL FROM to the answer */
	char *detections;	/* "Name,Name": signatures and filter rules found
				 * (not spam rules); "" when none */
} PchEntry;

void pch_entry_free(PchEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PchEntry, pch_entry_free)

/* Every field optional (NULL or 0).  Text fields match case-insensitively
 * anywhere in the value ("example.org" finds every address there);
 * status and action match exactly. */
typedef struct {
	const char *sender;
	const char *recipient;
	const char *queue_id;
	const char *client;
	const char *status;
	const char *action;
	const char *const *domains;	/* NULL: any; else the sender or a recipient in
					 * one of them (or a subdomain) */
	gint64 since;		/* time >= since */
	gint64 before;		/* time < before */
	guint limit;		/* 0: PCH_DEFAULT_LIMIT */
	guint offset;
} PchFilter;

#define PCH_DEFAULT_LIMIT 100

typedef struct _PchStore PchStore;

/* Opens (creating) DIR/history.sqlite; dir must exist. */
PchStore *pch_open(const char *dir, GError **error);
void pch_close(PchStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PchStore, pch_close)

/* Adds entries in one transaction (entries[i]->id is set). */
gboolean pch_add(PchStore *store, PchEntry *const *entries, guint n, GError **error);

/* The fields statistics count, of one record; valid during the visit. */
typedef struct {
	gint64 time;
	const char *action;
	const char *status;
	const char *sender;
	const char *client;
	const char *detections;
	double ms;
} PchSummary;

/* Every record since then (of domains, as PchFilter's), newest first,
 * read with fewer columns than pch_search for the statistics. */
gboolean pch_summaries(PchStore *store, gint64 since, const char *const *domains,
		       gboolean (*visit)(const PchSummary *row, gpointer data), gpointer data,
		       GError **error);

/* Matching entries, newest first; visit returns FALSE to stop. */
gboolean pch_search(PchStore *store, const PchFilter *filter,
		    gboolean (*visit)(const PchEntry *entry, gpointer data), gpointer data,
		    GError **error);

/* One entry by id; NULL (no error) when there is none. */
PchEntry *pch_get(PchStore *store, gint64 id, GError **error);

/* Drops entries older than max_age_days (0: no age limit), then the
 * oldest beyond max_entries (0: no count limit). */
gboolean pch_purge(PchStore *store, guint max_entries, guint max_age_days, guint *removed,
		   GError **error);

#endif
