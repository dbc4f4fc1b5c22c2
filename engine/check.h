/*
 * NAME
 *	check.h - the interface every analysis check implements
 * DESCRIPTION
 *	A check is constructed from the engine options when an engine is
 *	built (signatures loaded, magic compiled), scans any number of
 *	messages concurrently, and is freed with the engine.  For each
 *	message the engine parses the MIME tree once and decodes each leaf
 *	once; every check sees each decoded leaf (scan_part, in document
 *	order) and then the whole message (scan_message, in table order).
 *	Either may be NULL.  A check adds findings to scan->verdict; it
 *	returns FALSE with an error only when the check itself failed, which
 *	the engine records as an error finding naming it.
 *	New checks (spam rules, DNS lists) are one file and one row in
 *	engine.c's table.
 */
#ifndef PC_ENGINE_CHECK_H
#define PC_ENGINE_CHECK_H

#include <portcullis/engine.h>
#include "mime/mime.h"

typedef struct {
	const guint8 *data;		/* the raw message */
	gsize len;
	PcMime *mime;
	const PcPolicy *policy;
	const PcEngineOptions *options;
	PcVerdict *verdict;
	GString *second_opinion;	/* why the whole-message parse must run */
	gboolean alternate;		/* a re-scan under another boundary */
	const PcInput *input;		/* envelope; NULL for single files */
	gint64 deadline;		/* monotonic time; 0: none (single files) */
	gboolean expired;		/* the deadline passed: scan no further */
	gint64 dns_deadline;		/* pc_scan_dns_deadline(); 0: not set yet */
} PcScan;

typedef struct {
	const char *name;
	PcStage stage;		/* where its time is counted */
	gpointer (*create)(const PcEngineOptions *options, GError **error);
	gboolean (*scan_part)(gpointer state, PcScan *scan, PcObject *object,
			      const PcBlob *content, GError **error);
	gboolean (*scan_message)(gpointer state, PcScan *scan, GError **error);
	void (*destroy)(gpointer state);
	/* Work that can start before the message is complete (DNS lookups). */
	void (*prefetch)(gpointer state, const PcPrefetch *what);
} PcCheck;

/* TRUE once the scan's deadline has passed; the first time, the message
 * gets an error finding ("limit:deadline"), so an unfinished scan is
 * never clean. */
gboolean pc_scan_expired(PcScan *scan);

/* When the message's DNS waits end: dns_budget_ms from the first check
 * that waits, shared by all (sender authentication, then DNS lists), so a
 * silent resolver costs the message one budget, not one per check. */
gint64 pc_scan_dns_deadline(PcScan *scan, guint budget_ms);

/* Asks for libclamav's whole-message parse as a second opinion. */
void pc_scan_want_second_opinion(PcScan *scan, const char *why);

/* engine/magic.c: the type libmagic detects in decoded content. */
extern const PcCheck pc_check_magic;

/* engine/av.c: libclamav, per part, raw and whole message. */
extern const PcCheck pc_check_av;
gboolean pc_av_global_init(PcEngineLogFunc handler, GError **error);
void pc_av_fill_info(gpointer state, PcEngineInfo *info);
gboolean pc_av_database_changed(gpointer state);
gboolean pc_av_scan_file(gpointer state, PcScan *scan, PcObject *object, const guint8 *data,
			 gsize len, GError **error);

/* engine/av_status.c: signature name -> status. */
PcStatus pc_av_status_of(const char *signature, char *const *overrides);

/* engine/auth/: SPF, DKIM, ARC, DMARC (auth.h). */
extern const PcCheck pc_check_auth;

/* engine/spam/: spam rules, GTUBE, a score and the spam statuses. */
extern const PcCheck pc_check_spam;
void pc_spam_fill_info(gpointer state, PcEngineInfo *info);
GPtrArray *pc_spam_rule_list(gpointer state);

/* engine/filter.c: the attachment filter; the predicates are exported for
 * unit tests. */
extern const PcCheck pc_check_filter;
gboolean pc_filter_double_extension(const char *name);
gboolean pc_filter_is_exec_name(const char *name);
gboolean pc_filter_type_mismatch(const char *declared, const char *detected, const char *name);

#endif
