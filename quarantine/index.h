/*
 * NAME
 *	index.h - SQLite index of a quarantine directory
 * DESCRIPTION
 *	DIR/.index/index.sqlite has one row per entry (the PcqEntry fields), so that
 *	listing and filtering 100,000 entries takes well under a second.  It
 *	is a cache of the files: pcq_index_rebuild() recreates it from the
 *	ID.meta files, and list adds entries whose files appeared without a
 *	row (written while the index was unavailable).  WAL mode and a busy
 *	timeout let the milter's threads and portcullisctl share it.
 */
#ifndef PCQ_INDEX_H
#define PCQ_INDEX_H

#include "store.h"

typedef struct {
	gint64 since;		/* received >= since; 0: any */
	gint64 before;		/* received < before; 0: any */
	const char *status;	/* NULL: any */
	const char *recipient;	/* case-insensitive, NULL: any */
	const char *sender;	/* anywhere in it, case-insensitive; NULL: any */
	const char *const *domains; /* NULL: any; else the sender or a recipient
				 * in one of them (or a subdomain) */
	guint limit;		/* 0: all */
	guint offset;
	gboolean newest_first;
} PcqFilter;

gboolean pcq_index_add(const char *dir, const PcqEntry *entry, GError **error);
gboolean pcq_index_remove(const char *dir, const char *id, GError **error);
/* Calls visit for each matching entry, oldest first (unless newest_first); stops when it returns FALSE. */
gboolean pcq_index_list(const char *dir, const PcqFilter *filter,
			gboolean (*visit)(const PcqEntry *entry, gpointer data), gpointer data,
			GError **error);
/* Drops the index and reads every ID.meta again; *count: entries indexed. */
gboolean pcq_index_rebuild(const char *dir, guint *count, GError **error);
/* Entries and their bytes as the index has them (for the metrics). */
gboolean pcq_index_totals(const char *dir, guint64 *entries, guint64 *bytes, GError **error);
/* Deletes entries older than max_age_days (0: no age limit), then the oldest
 * until the total size is at most max_size (0: no size limit). */
gboolean pcq_purge(const char *dir, guint max_age_days, guint64 max_size, guint *removed,
		   GError **error);

#endif
