/*
 * NAME
 *	conf.h - portcullis.conf: the configuration snapshot
 * DESCRIPTION
 *	Every key is a row in conf_keys.c: group, name, type, default, bounds,
 *	the PcConfig field it fills and its documentation.  The loader,
 *	--dump-defaults, conf/portcullis.conf and the README key list all
 *	come from that table.  A PcConfig is immutable once loaded; a reload
 *	builds a new one.
 * DIAGNOSTICS
 *	Errors name the file, the line, the group and key and what is wrong:
 *	"portcullis.conf:14: [av] max_scan_size: "5O0M" is not a size".
 */
#ifndef PCM_CONF_H
#define PCM_CONF_H

#include <glib.h>
#include <stdio.h>
#include <portcullis/policy.h>

typedef enum { PCM_OVERSIZE_ACCEPT, PCM_OVERSIZE_REJECT, PCM_OVERSIZE_TEMPFAIL } PcmOversize;
typedef enum { PCM_RELOAD_CONCURRENT, PCM_RELOAD_SEQUENTIAL } PcmReloadMemory;
typedef enum { PCM_QUARANTINE_DIRECTORY, PCM_QUARANTINE_MTA } PcmQuarantineStore;
typedef enum { PCM_CONFLICT_STRICTEST, PCM_CONFLICT_SPLIT } PcmGroupConflict;

typedef struct {
	char *path;			/* file loaded, NULL for built-in defaults */
	/* [milter] */
	char *socket;
	guint socket_mode;
	char *socket_group;
	char *control_socket;
	char *metrics_listen;
	char *user;
	char *pidfile;
	guint milter_timeout;
	guint shutdown_timeout;
	/* [message] */
	char *spool_dir;
	guint64 spool_memory_max;
	guint64 max_message_size;
	gint oversize_action;		/* PcmOversize */
	/* [av] */
	char *database_dir;
	guint db_check_interval;
	gint reload_memory;		/* PcmReloadMemory */
	char *scan_tmp_dir;		/* "" = spool_dir/scratch */
	guint64 max_scan_size;
	guint64 max_file_size;
	guint max_files;
	guint max_scan_time;
	/* [scan] (engine-wide) */
	guint max_mime_depth;
	guint max_parts;
	guint scan_timeout;
	guint64 part_memory_max;
	guint max_archive_depth;
	/* [scan] (per message), [filter], [policy]: the default policy */
	PcPolicy policy;
	/* [spam] (engine-wide) */
	char *spam_rules_dir;
	char *sa_rules_dir;
	char *spam_scores_file;
	char **trusted_networks;
	gboolean dns_lists;
	char *dns_servers;
	guint dns_budget_ms;
	/* [auth] (engine-wide; the actions are per group, in policy) */
	gboolean auth;
	char *authserv_id;
	char *bayes_dir;
	guint bayes_min_learned;
	gboolean ngram;
	gboolean spam_prefilter;
	gboolean autolearn;
	double autolearn_spam;
	double autolearn_ham;
	char *allow_senders_file;
	char *block_senders_file;
	/* [notify] (engine-wide) */
	char *templates_dir;
	char *notify_from;
	char *sendmail_path;
	char *notify_relay;
	char *notify_queue_dir;
	guint notify_retry;
	guint notify_max_attempts;
	/* [quarantine] */
	char *quarantine_dir;
	gint quarantine_store;		/* PcmQuarantineStore */
	guint quarantine_max_age;	/* days */
	guint64 quarantine_max_size;
	char *release_key_file;
	char *archive_dir;
	guint archive_max_age;
	/* [history] */
	char *history_dir;
	guint history_max_entries;
	guint history_max_age;
	/* [web] */
	char *web_users_file;
	char *web_listen;
	guint web_session_idle;
	guint web_session_lifetime;
	char *web_tls_cert;
	char *web_tls_key;
	char *web_static_dir;
	char *web_audit_log;
	char *web_base_url;
	guint web_digest_statuses;	/* 1 << PcStatus */ 
	guint web_link_days;
	char *web_digest_optout_file;
	/* [groups] */
	char *groups_dir;
	gint group_conflict;		/* PcmGroupConflict */
	GPtrArray *groups;		/* PcmGroup *, file order */
	/* [log] */
	gint log_level;			/* syslog priority */
	char *syslog_facility;
} PcmConfig;

#define PCM_CONF_ERROR (pcm_conf_error_quark())
GQuark pcm_conf_error_quark(void);

/* Built-in defaults only. */
PcmConfig *pcm_conf_new(void);
/* Defaults, then the file's keys; NULL and error on the first bad line. */
PcmConfig *pcm_conf_load(const char *path, GError **error);
/* One "group.key=value" (command line -o) or group/key/value from a file. */
gboolean pcm_conf_set(PcmConfig *conf, const char *group, const char *key,
		      const char *value, GError **error);
gboolean pcm_conf_set_option(PcmConfig *conf, const char *assignment, GError **error);
/* path (or built-in defaults when NULL), then each "group.key=value". */
PcmConfig *pcm_conf_load_with(const char *path, const char *const *overrides,
			      GError **error);
PcmConfig *pcm_conf_ref(PcmConfig *conf);
void pcm_conf_unref(PcmConfig *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcmConfig, pcm_conf_unref)

/* The commented default configuration file, generated from the table. */
void pcm_conf_dump_defaults(FILE *out);

/* "[av] on_infected: replaced by ..." for a key that was renamed or
 * replaced, or NULL. */
const char *pcm_conf_replaced(const char *group, const char *key);

/* Settings that work but that an administrator should hear about (each a
 * sentence for the log); checked at start, -t and every reload. */
GPtrArray *pcm_conf_warnings(const PcmConfig *conf);

/* For log lines: the value a key has, as text. */
char *pcm_conf_format_size(guint64 bytes);
/* [auth] authserv_id, or the host name when it is empty. */
const char *pcm_conf_authserv_id(const PcmConfig *conf);

#endif
