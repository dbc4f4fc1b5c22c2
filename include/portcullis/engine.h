/*
 * NAME
 *	engine.h - the in-process analysis engine
 * SYNOPSIS
 *	pc_engine_global_init() once, before threads;
 *	engine = pc_engine_new(&options, &error);
 *	verdict = pc_engine_scan(engine, &input, policy);	(any thread)
 *	pc_engine_unref(engine);
 * DESCRIPTION
 *	An engine is an immutable, reference-counted snapshot: signatures
 *	loaded and compiled once, then shared by every scanning thread.  A
 *	reload builds a new engine next to the old one; scans in flight keep a
 *	reference to the one they started with.  The engine knows nothing of
 *	the MTA: it is given bytes and a policy (how to scan, what to filter)
 *	and returns a verdict: the message's MIME objects and the findings
 *	about them.
 * DIAGNOSTICS
 *	Construction failures are returned as GError (domain PC_ENGINE_ERROR)
 *	with a message a postmaster can act on.  A check that fails during a
 *	scan adds a PC_STATUS_ERROR finding; pc_engine_scan() never fails
 *	silently and never returns NULL.  Nothing here writes to a log.
 *	Limits that stop a scan early leave a finding, never a clean verdict:
 *	more than max_parts MIME entities is unscannable ("limit:mime-parts",
 *	the same on every retry), a scan past its deadline is an error
 *	("limit:deadline": a retry under less load may finish).
 */
#ifndef PORTCULLIS_ENGINE_H
#define PORTCULLIS_ENGINE_H

#include <glib.h>
#include <portcullis/policy.h>
#include <portcullis/verdict.h>

G_BEGIN_DECLS

#define PC_ENGINE_ERROR (pc_engine_error_quark())
GQuark pc_engine_error_quark(void);

typedef enum {
	PC_ENGINE_ERROR_INIT,		/* library initialisation failed */
	PC_ENGINE_ERROR_NO_DATABASE,	/* database_dir empty or missing */
	PC_ENGINE_ERROR_DATABASE,	/* signatures failed to load/compile */
	PC_ENGINE_ERROR_SCAN,		/* scanner error on a message */
} PcEngineErrorCode;

typedef struct {
	const char *database_dir;
	const char *tmp_dir;		/* scratch space for unpacking; NULL: system */
	guint64 max_scan_size;		/* bytes scanned per message */
	guint64 max_file_size;		/* largest single file inside considered */
	guint max_recursion;		/* nesting of archives inside a part */
	guint max_files;		/* files inside containers */
	guint max_scan_time_ms;		/* wall clock per message */
	guint max_mime_depth;		/* MIME and message/rfc822 nesting */
	guint max_parts;		/* MIME entities walked; 0: PC_ENGINE_MAX_PARTS */
	guint scan_timeout_ms;		/* wall clock per message; 0: PC_ENGINE_SCAN_TIMEOUT_MS */
	guint64 memory_max;		/* decoded parts above this go to tmp_dir; 0: none */
	gboolean digests;		/* record each part's SHA-256 (--scan) */
	gboolean av_wait_for_database;	/* no signatures in database_dir yet: build
					 * anyway, every scan an error saying so
					 * (a fresh installation before freshclam) */
	const char *spam_rules_dir;	/* *.cf spam rules; NULL or "": GTUBE only */
	const char *sa_rules_dir;	/* SpamAssassin's *.cf, read leniently first */
	const char *spam_scores_file;	/* score lines read last (portcullisctl rescore);
					 * a missing file is none */
	const char *bayes_dir;		/* LMDB token store; NULL or "": no Bayes */
	guint bayes_min_learned;	/* spam and ham each before Bayes counts */
	gboolean ngram;			/* the 4-gram learner scores beside Bayes */
	gboolean no_prefilter;		/* run every rule pattern (prefilter.h) */
	char *const *trusted_networks;	/* our relays: DNS lists skip them */
	gboolean dns_lists;		/* run the DNS list rules */
	const char *dns_servers;	/* "ip[:port],..."; NULL or "": resolv.conf */
	guint dns_budget_ms;		/* most a message waits for DNS lists and
					 * for sender authentication's lookups */
	gboolean auth;			/* verify SPF, DKIM, ARC, DMARC */
	const char *auth_receiver;	/* our host name, for SPF's %{r} */
} PcEngineOptions;

/* Message given either as memory (data != NULL) or as a readable fd,
 * with what the MTA said about it (NULL when unknown). */
typedef struct {
	const guint8 *data;
	gsize len;
	int fd;
	const char *client_address;	/* "192.0.2.1", "2001:db8::1" */
	const char *sender;		/* envelope sender, "" for <> */
	const char *helo;		/* the client's HELO/EHLO name */
	gint64 deadline;		/* g_get_monotonic_time() past which the scan
					 * gives up; 0: scan_timeout_ms from now */
} PcInput;

/* Defaults of max_parts and scan_timeout_ms.  Every part costs each check
 * a call, so a small message of empty parts is a cheap way to hold a
 * scanning thread; a thousand MIME entities is far beyond what people
 * send (MailScanner's "Maximum Attachments Per Message" and amavisd-new's
 * $MAXFILES are limits of the same kind).  The deadline is well inside
 * Postfix's milter_content_timeout (300 s), so the MTA hears our answer. */
#define PC_ENGINE_MAX_PARTS 1000
#define PC_ENGINE_SCAN_TIMEOUT_MS 120000

typedef struct {
	char *scanner_version;		/* "ClamAV 1.4.6" */
	char *database_version;		/* "27100" (daily), or "custom" */
	guint signatures;
	char *database_dir;
	char *database_missing;		/* why there are no signatures (and every scan
					 * is an error); NULL: loaded */
	guint spam_rules;		/* rules loaded (rules_dir, sa_rules_dir) */
	guint spam_skipped;		/* sa_rules_dir lines we cannot run */
	guint spam_dropped;		/* metas naming a rule we do not run */
	gboolean dns_lists;		/* some rule asks a DNS list, and lookups are on */
	/* Bayes at load time: no store (bayes_dir unset), or its counts; it
	 * scores once both reach bayes_min_learned */
	gboolean bayes_store;		/* bayes_dir set and the store opened */
	guint64 bayes_spam, bayes_ham;
	gboolean bayes_active;
	guint score_set;		/* SpamAssassin's score set in use: 0-3 */
} PcEngineInfo;

typedef struct PcEngine PcEngine;

/* Where scanner library messages go: level is a GLogLevelFlags value. */
typedef void (*PcEngineLogFunc)(GLogLevelFlags level, const char *message);

/* Once per process, before any thread starts; handler may be NULL. */
gboolean pc_engine_global_init(PcEngineLogFunc handler, GError **error);
PcEngine *pc_engine_new(const PcEngineOptions *options, GError **error);
/* An engine without checks, standing in while another is built when
 * memory allows only one at a time (reload_memory = sequential): every
 * scan is an error finding with text why (so on_error decides: tempfail
 * by default), its info says why in database_missing, and it reports its
 * database as changed, so that a build that failed is tried again. */
PcEngine *pc_engine_new_standin(const PcEngineOptions *options, const char *why);
PcEngine *pc_engine_ref(PcEngine *engine);
void pc_engine_unref(PcEngine *engine);
const PcEngineInfo *pc_engine_info(const PcEngine *engine);
/* Every spam rule, by name, one line each: "NAME\trun\tS0 S1 S2 S3" (its
 * score in each of SpamAssassin's four score sets) or "NAME\tnot run\tWHY"
 * (char *, free with g_ptr_array_unref). */
GPtrArray *pc_engine_spam_rules(const PcEngine *engine);

/* policy NULL: scan_mode auto, no attachment filter, no overrides (the
 * daemon always passes the configured policy). */
PcVerdict *pc_engine_scan(PcEngine *engine, const PcInput *input, const PcPolicy *policy);

/* One file's bytes given straight to libclamav, with the options a part
 * gets but no MIME parsing, typing or filtering: the baseline the
 * benchmark compares the engine with.  Findings are on object "1". */
PcVerdict *pc_engine_scan_file(PcEngine *engine, const guint8 *data, gsize len);

/* What is known of a message before it is complete; NULL: not yet. */
typedef struct {
	const char *client_address;	/* at connect */
	const char *helo;		/* at MAIL FROM, with the sender */
	const char *sender;
	const guint8 *header;		/* the header block, at its end */
	gsize header_len;
} PcPrefetch;

/* Starts the lookups a message will need as soon as the client (at
 * connect), the sender (at MAIL FROM) or the header is known.  The
 * answers are cached and waited for by pc_engine_scan(). */
void pc_engine_prefetch(PcEngine *engine, const PcPrefetch *what);

/* TRUE when database_dir changed since the engine was loaded. */
gboolean pc_engine_database_changed(PcEngine *engine);

G_END_DECLS

#endif
