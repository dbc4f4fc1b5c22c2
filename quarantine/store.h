/*
 * NAME
 *	store.h - the quarantine (and archive) store: one entry per message
 * DESCRIPTION
 *	An entry is two files in the store directory: ID.eml, the message
 *	exactly as the milter received it, and ID.meta, a GKeyFile with
 *	group [entry] holding the fields of PcqEntry.  Each file is written
 *	to a hidden temp name, fsync'ed and renamed, ID.meta last, then the
 *	directory is fsync'ed: an entry with an ID.meta is complete and
 *	durable.  IDs sort by time ("20261122T141500-3F2A1B-8c0d4e2a").
 *	The same code serves the milter (pcq_store) and portcullisctl.
 *
 *	.index/index.sqlite in the same directory lists the entries for fast
 *	queries (pcq_index_*); the files are the truth and the index can be
 *	rebuilt from them at any time.
 */
#ifndef PCQ_STORE_H
#define PCQ_STORE_H

#include <glib.h>

#define PCQ_ERROR (pcq_error_quark())
GQuark pcq_error_quark(void);
typedef enum { PCQ_ERROR_FAILED, PCQ_ERROR_NOT_FOUND, PCQ_ERROR_DAMAGED } PcqError;

typedef struct {
	char *id;
	gint64 received;	/* Unix time */
	char *queue_id;
	char *client_address;
	char *client_name;
	char *helo;
	char *sender;		/* "" for <> */
	char **recipients;	/* NULL-terminated */
	char *group;		/* policy group, "default" */
	char *status;		/* message status name */
	char *action;		/* what happened: "quarantine", "reject", "accept"... */
	char *reason;		/* for humans */
	char **findings;	/* "PATH STATUS NAME" per finding, NULL-terminated */
	char **objects;		/* "PATH\tDECLARED\tDETECTED\tSIZE\tSTATUS\tNAME" per object */
	char *released;		/* "TIME UTC to ADDR,...[; ...]" once released, else NULL */
	guint64 size;		/* bytes of ID.eml */
	gboolean damaged;	/* set by pcq_entry_load when files are missing or bad */
	char *damage;		/* what is wrong with it */
} PcqEntry;

void pcq_entry_free(PcqEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcqEntry, pcq_entry_free)

/* Writes the message (write_message(fd, data, error) fills ID.eml) and then
 * ID.meta from entry (its id, size and damage fields are ignored: the id
 * is made here and returned in *id).  Adds the entry to the index; an
 * index failure is only a warning (returned in *warning, may be NULL),
 * since the files are the truth.  FALSE and error when the entry could
 * not be made durable: the caller must then not let the message go. */
typedef gboolean (*PcqWriteFunc)(int fd, gpointer data, GError **error);
gboolean pcq_store(const char *dir, const PcqEntry *entry, PcqWriteFunc write_message,
		   gpointer data, char **id, char **warning, GError **error);

/* Reads ID.meta; a missing, unreadable or refused (see pcq_open_file) .eml
 * or .meta gives an entry with damaged set and the reason in damage (NULL
 * and PCQ_ERROR_NOT_FOUND when neither exists). */
PcqEntry *pcq_entry_load(const char *dir, const char *id, GError **error);
/* Opens ID+suffix (".eml", ".meta") for reading, never through a symbolic
 * link, and only a regular file owned by the directory's owner or by the
 * caller: -1 and PCQ_ERROR_DAMAGED ("PATH: refused: why") otherwise,
 * PCQ_ERROR_NOT_FOUND when it does not exist. */
int pcq_open_file(const char *dir, const char *id, const char *suffix, GError **error);
/* The same file, mapped read-only. */
GMappedFile *pcq_map_file(const char *dir, const char *id, const char *suffix,
			  GError **error);
/* Path of ID.eml (whether or not it exists), for messages only: open it
 * with pcq_open_file. */
char *pcq_message_path(const char *dir, const char *id);
/* Removes both files and the index row; PCQ_ERROR_NOT_FOUND if neither existed. */
gboolean pcq_delete(const char *dir, const char *id, GError **error);
/* Rewrites ID.meta (atomically) from entry, e.g. after a release. */
gboolean pcq_entry_save(const char *dir, const PcqEntry *entry, GError **error);
/* A line of objects split into its 6 fields (PATH, DECLARED, DETECTED,
 * SIZE, STATUS, NAME; free with g_strfreev) and its depth in the tree (the
 * dots in PATH); NULL when it has fewer fields. */
char **pcq_object_fields(const char *line, guint *depth);
/* Whether entry was released to address (case-insensitively): one of the
 * releases in its released field ("TIME UTC to A,B; TIME UTC to C") names it. */
gboolean pcq_entry_released_to(const PcqEntry *entry, const char *address);
/* TRUE when name is an entry id (no path separators, no dot files). */
gboolean pcq_valid_id(const char *id);

#endif
