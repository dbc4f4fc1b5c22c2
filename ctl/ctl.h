/*
 * NAME
 *	ctl.h - portcullisctl: the administrator's tool (internal header)
 */
#ifndef PCC_CTL_H
#define PCC_CTL_H

#include <glib.h>
#include "conf.h"

/* Exit statuses: documented in --help. */
enum { PCC_OK = 0, PCC_ERROR = 1, PCC_NOT_FOUND = 2, PCC_USAGE = 1 };

/* ctl/quarantine_cmd.c: "quarantine SUBCOMMAND ARGS..." */
int pcc_quarantine(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_quarantine_help[];

/* ctl/learn_cmd.c: learn, forget, stats (the Bayes store). */
int pcc_learn(const PcmConfig *conf, int argc, char **argv);
int pcc_forget(const PcmConfig *conf, int argc, char **argv);
int pcc_stats(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_learn_help[];

/* ctl/control_cmd.c: status, reload, drain over the control socket. */
int pcc_status(const PcmConfig *conf, int argc, char **argv);
int pcc_reload(const PcmConfig *conf, int argc, char **argv);
int pcc_drain(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_control_help[];
/* The daemon's counters printed (text, or JSON); FALSE (said in a
 * "daemon: ..." line) when it cannot be asked. */
gboolean pcc_daemon_stats(const PcmConfig *conf, gboolean json);

/* ctl/messages.c: each message of path (a file, an mbox, a directory of
 * them), in name order; unreadable files are reported and counted. */
typedef void (*PccMessageFunc)(const char *path, const char *data, gsize len, gpointer user);
void pcc_messages_foreach(const char *path, PccMessageFunc fn, gpointer user, guint *failed);
gint pcc_strptrcmp(gconstpointer a, gconstpointer b);

/* ctl/rescore_cmd.c: rescore (weights fitted to a site's mail). */
int pcc_rescore(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_rescore_help[];

/* ctl/history_cmd.c: history (the message trace). */
int pcc_history(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_history_help[];

/* ctl/webuser_cmd.c: web-user (the web console's accounts). */
int pcc_webuser(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_webuser_help[];

/* ctl/digest_cmd.c: digest (recipients' quarantine digests). */
int pcc_digest(const PcmConfig *conf, int argc, char **argv);
extern const char pcc_digest_help[];

/* "YYYY-MM-DD HH:MM:SS" (UTC) of a Unix time. */
char *pcc_time(gint64 t);

/* "2h", "3d", "30m", "2026-11-22", "2026-11-22T10:00" -> Unix time. */
gboolean pcc_parse_time(const char *text, gint64 now, gint64 *out);

/* ctl/owner.c: when root, become the owner of dir (key: the setting that
 * names it, for messages) before anything in it is opened; FALSE and error
 * when that is not possible. */
gboolean pcc_become_owner(const char *key, const char *dir, GError **error);
/* The same for a while only: effective ids and groups, given back by
 * pcc_owner_leave. */
typedef struct {
	gboolean switched;
	int ngroups;
	gid_t groups[256];
} PccOwnerIds;
gboolean pcc_owner_enter(const char *key, const char *dir, PccOwnerIds *saved,
			 GError **error);
void pcc_owner_leave(PccOwnerIds *saved);

/* ctl/escape.c: each value printed goes through one of these. */
/* For a terminal: control characters and bytes that are not UTF-8 as
 * \x1b, \u009b, \xff, a backslash as \\. */
char *pcc_text(const char *s);
/* "portcullisctl: MESSAGE" on stderr, the message through pcc_text. */
void pcc_print_error(const char *message);
/* s as a quoted JSON string, appended to out. */
void pcc_json_string(GString *out, const char *s);

#endif
