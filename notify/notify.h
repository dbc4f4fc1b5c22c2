/*
 * NAME
 *	notify.h - notifications: templates, an on-disk queue, a sender thread
 * DESCRIPTION
 *	Templates are UTF-8 files TEMPLATES_DIR/LANG/{admin,recipient,sender}.txt:
 *	header lines (at least "Subject: ..."), an empty line, the body.  {name}
 *	is a variable (see pcn_variables), "{{" a literal "{", and
 *	"{#objects}...{/objects}" repeats its text for each affected object with
 *	the object variables (pcn_object_variables).  Rendering adds From, To,
 *	Date, Message-ID, MIME-Version, Content-Type (UTF-8),
 *	Auto-Submitted: auto-generated and the header PCN_HEADER, and encodes
 *	non-ASCII header text (RFC 2047).
 *
 *	The milter renders a notification and puts it in the queue directory
 *	(one file, written atomically); a single worker thread sends queued
 *	files with envelope sender <> through sendmail_path (executed without
 *	a shell) or an SMTP relay, and retries failures every retry_interval
 *	seconds up to max_attempts, then moves the file to queue_dir/failed/.
 *	Nothing here ever blocks a milter thread on the network, and nothing
 *	that happens to a notification changes what happens to the message.
 */
#ifndef PCN_NOTIFY_H
#define PCN_NOTIFY_H

#include <glib.h>

#define PCN_ERROR (pcn_error_quark())
GQuark pcn_error_quark(void);

/* Marks portcullis's own notifications, so that they never cause another.
 * Its value is pcn_loop_mark() of the notification's Message-ID under a
 * secret the daemon keeps in memory: copied into another message it does
 * not match, and it cannot be made without the secret. */
#define PCN_HEADER "X-Portcullis-Notification"

typedef enum { PCN_ADMIN, PCN_RECIPIENT, PCN_SENDER, PCN_PARTY_COUNT } PcnParty;

extern const char *const pcn_variables[];		/* NULL-terminated */
extern const char *const pcn_object_variables[];

typedef struct {
	const char *name;		/* file name, "" if none */
	const char *path;		/* MIME path */
	const char *type;		/* detected (else declared) type */
	guint64 size;
	const char *status;
	const char *signature;		/* first finding name, "" if none */
} PcnObject;

typedef struct {
	const char *sender;		/* "" for <> */
	const char *const *recipients;	/* NULL-terminated */
	const char *subject;		/* decoded, "" if none */
	const char *queue_id;
	const char *client_address;
	const char *group;
	const char *status;		/* message status name */
	const char *action;		/* "reject", "quarantine", "accept"... */
	const char *reason;
	const char *quarantine_id;	/* "" if not quarantined */
	const char *hostname;
	gint64 date;			/* Unix time of the message */
	const PcnObject *objects;	/* the objects that are not clean */
	guint n_objects;
	GBytes *loop_key;		/* secret for PCN_HEADER; NULL: no such header */
} PcnContext;

typedef struct _PcnTemplates PcnTemplates;

/* Every LANG/ subdirectory of dir (NULL: the built-in set); each file is
 * checked: an unknown variable, an unclosed brace or block, or no Subject
 * fails with "FILE:LINE: what". */
PcnTemplates *pcn_templates_load(const char *dir, GError **error);
gboolean pcn_templates_has_language(const PcnTemplates *templates, const char *language);
void pcn_templates_free(PcnTemplates *templates);

/* A complete message (CRLF lines) from the template of party in language.
 * GMime must be initialised (g_mime_init, done by pc_engine_global_init). */
char *pcn_render(const PcnTemplates *templates, const char *language, PcnParty party,
		 const PcnContext *context, const char *from, const char *to, GError **error);

/* HMAC-SHA256 (hex) of message_id under key: the value of PCN_HEADER. */
char *pcn_loop_mark(GBytes *key, const char *message_id);
/* TRUE when mark is pcn_loop_mark(key, message_id) (FALSE for any NULL). */
gboolean pcn_loop_verify(GBytes *key, const char *mark, const char *message_id);

/* Hands message to the local MTA: sendmail_path -i -f SENDER -- RECIPIENT...,
 * executed without a shell, message on standard input; sender "" is the
 * null sender <>.  FALSE with the program's output when it fails. */
gboolean pcn_sendmail(const char *sendmail_path, const char *sender,
		      const char *const *recipients, GBytes *message, GError **error);
/* To the SMTP relay ("host:port") when one is set, else pcn_sendmail: how
 * notifications, releases and digests leave ([notify] relay). */
gboolean pcn_deliver(const char *sendmail_path, const char *relay, const char *sender,
		     const char *const *recipients, GBytes *message, GError **error);

/* Queues message for recipients; returns once it is on disk. */
gboolean pcn_queue_put(const char *queue_dir, const char *const *recipients,
		       const char *message, GError **error);

typedef struct {
	const char *queue_dir;
	const char *sendmail_path;
	const char *relay;		/* "host:port" or NULL/"": sendmail_path */
	guint retry_interval;		/* seconds */
	guint max_attempts;
} PcnSenderConfig;

typedef void (*PcnLogFunc)(int priority, const char *message);

typedef struct _PcnWorker PcnWorker;
/* Starts the sender thread (config is copied); log gets one line per
 * notification sent, retried or given up. */
PcnWorker *pcn_worker_start(const PcnSenderConfig *config, PcnLogFunc log);
/* Send what is queued now instead of at the next retry tick. */
void pcn_worker_wake(PcnWorker *worker);
/* Replaces the configuration (on reload). */
void pcn_worker_configure(PcnWorker *worker, const PcnSenderConfig *config);
/* What the sender thread has done since it started, and what waits. */
typedef struct {
	guint64 sent;
	guint64 deferred;	/* attempts that failed and will be retried */
	guint64 given_up;	/* moved to queue_dir/failed/ */
	guint queued;		/* files in queue_dir now */
} PcnWorkerCounts;
void pcn_worker_counts(PcnWorker *worker, PcnWorkerCounts *out);

/* Stops the thread after the current attempt; queued files stay queued. */
void pcn_worker_stop(PcnWorker *worker);

#endif
