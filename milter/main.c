/*
 * NAME
 *	main.c - the portcullis daemon: start-up, signals, shutdown
 * DESCRIPTION
 *	Start-up order matters: load and validate the configuration, load
 *	the signatures (so a broken database is reported on the terminal),
 *	open the socket, detach, write the pidfile, drop privileges, and only
 *	then start threads.  libmilter's smfi_main() runs in its own thread;
 *	the main thread waits in sigwait() for HUP, USR2, TERM and INT.
 *	libmilter starts a signal thread of its own that would stop the
 *	milter on SIGHUP; the kernel hands a process-directed signal to the
 *	main thread first when it is waiting for it, which it always is.
 * SIGNALS
 *	SIGHUP reload configuration and signatures; SIGUSR2 reload signatures;
 *	SIGTERM, SIGINT stop accepting connections, let the open ones
 *	finish (up to shutdown_timeout seconds), exit 0.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <clamav.h>
#include <libmilter/mfapi.h>
#include <gmime/gmime.h>

#include "callbacks.h"
#include "control.h"
#include "metrics.h"
#include "conf.h"
#include "daemon.h"
#include "autolearn.h"
#include "history.h"
#include "housekeeping.h"
#include "log.h"
#include "notices.h"
#include "reload.h"
#include "sdnotify.h"
#include "runtime.h"
#include "milter/mta-snippets.h"
#include "scan_files.h"

#ifndef PCM_DEFAULT_CONFIG
#define PCM_DEFAULT_CONFIG "/etc/portcullis/portcullis.conf"
#endif

typedef struct {
	char *config;
	char *socket;
	char *user;
	char *pidfile;
	char **options;
	gboolean foreground;
	gboolean check;
	gboolean dump_defaults;
	gboolean version;
	gboolean scan;
	gboolean list_rules;
	PcmEnvelopeArgs envelope;	/* --scan's --client, --helo, --sender */
	char **files;
} PcmArgs;

static void
pcm_args_clear(PcmArgs *args)
{
	g_free(args->config);
	g_free(args->socket);
	g_free(args->user);
	g_free(args->pidfile);
	g_strfreev(args->options);
	g_strfreev(args->files);
	g_free(args->envelope.client);
	g_free(args->envelope.helo);
	g_free(args->envelope.sender);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PcmArgs, pcm_args_clear)

static const char pcm_description[] =
	"portcullis is a milter for Postfix and Sendmail. It parses every message\n"
	"into its MIME parts, scans each decoded part in process with libclamav,\n"
	"detects true file types with libmagic and filters attachments by name and\n"
	"type. Then policy decides: reject, tempfail, discard or quarantine the\n"
	"message, or deliver it with bad parts removed, replaced by a notice or\n"
	"renamed, with X-Virus-Scanned and X-Virus-Status headers.\n"
	"\n"
	"--scan FILE... shows what portcullis makes of a message without an MTA: its\n"
	"parts, their types and names, the files inside archives and every finding.\n"
	"\n"
	"Configuration: portcullis.conf (see --dump-defaults for every key with its\n"
	"default and meaning). Without -c, " PCM_DEFAULT_CONFIG " is read if it\n"
	"exists, otherwise the built-in defaults are used. -s, -u, -p and -o override\n"
	"the file and stay in force across reloads.\n"
	"\n"
	"Postfix (main.cf; Debian's chrooted smtpd: see README):\n"
	PCM_POSTFIX_SNIPPET
	"Sendmail (sendmail.mc):\n"
	PCM_SENDMAIL_SNIPPET
	"\n"
	"Signals: SIGHUP reloads the configuration and signatures, SIGUSR2 reloads the\n"
	"signatures, SIGTERM/SIGINT let open MTA connections finish (shutdown_timeout)\n"
	"and exit. Signatures are also reloaded when database_dir changes. A reload\n"
	"that fails keeps the running configuration and signatures.\n"
	"\n"
	"Logs: one line per message to syslog (facility mail), or stderr with -f.\n"
	"Exit status: 0 on success or clean shutdown, 1 on a configuration, database\n"
	"or start-up error (the message says which file, key or directory).";

static gboolean
pcm_parse_args(int *argc, char ***argv, PcmArgs *args)
{
	const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &args->config,
		  "Read configuration from FILE", "FILE" },
		{ "socket", 's', 0, G_OPTION_ARG_STRING, &args->socket,
		  "Listen on SOCKET (unix:/path, inet:port@host, inet6:port@host)", "SOCKET" },
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &args->foreground,
		  "Stay in the foreground and log to stderr", NULL },
		{ "user", 'u', 0, G_OPTION_ARG_STRING, &args->user,
		  "Run as USER after opening the socket", "USER" },
		{ "pidfile", 'p', 0, G_OPTION_ARG_FILENAME, &args->pidfile,
		  "Write the process id to FILE (daemon mode)", "FILE" },
		{ "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &args->options,
		  "Set a configuration key, e.g. -o policy.block_action=quarantine", "GROUP.KEY=VALUE" },
		{ "check-config", 't', 0, G_OPTION_ARG_NONE, &args->check,
		  "Validate the configuration and load the signatures, then exit", NULL },
		{ "dump-defaults", 0, 0, G_OPTION_ARG_NONE, &args->dump_defaults,
		  "Print every configuration key with its default and exit", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &args->version,
		  "Print versions of portcullis, libmilter, ClamAV and the database", NULL },
		{ "scan", 0, 0, G_OPTION_ARG_NONE, &args->scan,
		  "Scan each FILE as a message with the configured policy and print one JSON "
		  "line per file (objects, statuses, findings, spam score and rules); exit 0 clean, "
		  "1 found, 2 error",
		  NULL },
		{ "list-rules", 0, 0, G_OPTION_ARG_NONE, &args->list_rules,
		  "Print every spam rule loaded, one per line: \"NAME<TAB>run<TAB>S0 S1 S2 S3\" "
		  "with its score in each of SpamAssassin's score sets, or \"NAME<TAB>not run<TAB>"
		  "WHY\" for a rule of SpamAssassin's set portcullis does not run", NULL },
		{ "client", 0, 0, G_OPTION_ARG_STRING, &args->envelope.client,
		  "With --scan: the SMTP client's address (SPF, DNS lists)", "IP" },
		{ "helo", 0, 0, G_OPTION_ARG_STRING, &args->envelope.helo,
		  "With --scan: the client's HELO name (SPF)", "NAME" },
		{ "sender", 0, 0, G_OPTION_ARG_STRING, &args->envelope.sender,
		  "With --scan: the envelope sender, \"\" for <> (SPF); without it SPF is not "
		  "checked", "ADDRESS" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args->files, NULL,
		  "FILE..." },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) context = g_option_context_new("- virus-scanning mail filter");
	g_autoptr(GError) error = NULL;

	g_option_context_add_main_entries(context, entries, NULL);
	g_option_context_set_description(context, pcm_description);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		fprintf(stderr, "portcullis: %s (try --help)\n", error->message);
		return FALSE;
	}
	return TRUE;
}

/* Command-line settings as "group.key=value", applied after the file. */
static GStrv
pcm_overrides(const PcmArgs *args)
{
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	const struct {
		const char *key;
		const char *value;
	} flags[] = {
		{ "milter.socket=", args->socket },
		{ "milter.user=", args->user },
		{ "milter.pidfile=", args->pidfile },
	};

	for (guint i = 0; i < G_N_ELEMENTS(flags); i++) {
		g_autofree char *assignment = NULL;

		if (flags[i].value == NULL)
			continue;
		assignment = g_strconcat(flags[i].key, flags[i].value, NULL);
		g_strv_builder_add(builder, assignment);
	}
	if (args->options)
		g_strv_builder_addv(builder, (const char **)args->options);
	return g_strv_builder_end(builder);
}

static const char *
pcm_config_path(const PcmArgs *args)
{
	if (args->config != NULL)
		return args->config;
	return g_file_test(PCM_DEFAULT_CONFIG, G_FILE_TEST_EXISTS) ? PCM_DEFAULT_CONFIG : NULL;
}

static void
pcm_engine_log(GLogLevelFlags level, const char *message)
{
	pcm_log(level & G_LOG_LEVEL_CRITICAL ? LOG_ERR :
		level & G_LOG_LEVEL_WARNING ? LOG_WARNING : LOG_DEBUG, "libclamav: %s", message);
}

static int
pcm_fatal(const char *what, const GError *error)
{
	pcm_log(LOG_CRIT, "%s%s", what, error->message);
	return EXIT_FAILURE;
}

static void
pcm_print_version(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmRuntime) rt = NULL;
	unsigned int major = 0, minor = 0, patch = 0;

	smfi_version(&major, &minor, &patch);
	printf("%s %s\nlibmilter %u.%u.%u\nClamAV %s (functionality level %u)\nGMime %u.%u.%u\n",
	       PACKAGE_NAME, PACKAGE_VERSION, major, minor, patch, cl_retver(), cl_retflevel(),
	       gmime_major_version, gmime_minor_version, gmime_micro_version);
	fflush(stdout);
	/* The one line below says why a database did not load; libclamav's
	 * own log lines about it would only interleave with it. */
	pcm_log_set_level(LOG_CRIT);
	pcm_runtime_key_no_create();	/* --version writes nothing */
	rt = pcm_runtime_build((PcmConfig *)conf, &error);
	if (rt != NULL) {
		const PcEngineInfo *info = pc_engine_info(rt->engine);

		printf("database %s: version %s, %u signatures\n", info->database_dir,
		       info->database_version, info->signatures);
	} else {
		printf("database: not loaded: %s\n", error->message);
	}
}

/* The spam setup in one line, for -t and the start-up log: which rule
 * sets, how many rules run, SpamAssassin's score set, the Bayes state. */
static char *
pcm_spam_summary(const PcmConfig *c, const PcEngineInfo *info)
{
	static const char *const sets[] = { "0: local tests only", "1: network tests",
					    "2: Bayes", "3: network tests and Bayes" };
	g_autofree char *bayes = NULL;

	if (*c->bayes_dir == '\0')
		bayes = g_strdup("off");
	else if (!info->bayes_store)
		bayes = g_strdup_printf("untrained, store %s not made yet (portcullisctl learn "
					"makes it)", c->bayes_dir);
	else
		bayes = g_strdup_printf("%s, store %s, %" G_GUINT64_FORMAT " spam and %"
					G_GUINT64_FORMAT " ham learned (scores from %u each)",
					info->bayes_active ? "active" : "untrained", c->bayes_dir,
					info->bayes_spam, info->bayes_ham, c->bayes_min_learned);
	return g_strdup_printf("spam: rules from %s%s%s%s; %u rules (%u SpamAssassin lines "
			       "skipped, %u metas dropped for a rule not run); score set %s; "
			       "Bayes %s", *c->sa_rules_dir ? c->sa_rules_dir : "",
			       *c->sa_rules_dir ? " (SpamAssassin)" : "",
			       *c->sa_rules_dir && *c->spam_rules_dir ? " and " : "",
			       *c->spam_rules_dir ? c->spam_rules_dir
			       : *c->sa_rules_dir ? "" : "nowhere (GTUBE only)",
			       info->spam_rules, info->spam_skipped, info->spam_dropped,
			       sets[info->score_set & 3], bayes);
}

/* Where libclamav makes and removes a directory for every scan: in memory
 * that costs a few microseconds, on a journalled disk far more. */
static const char *
pcm_scratch_kind(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return "unreadable";
	return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC ? "in memory" : "on disk";
}

/* Sender authentication in one line, for -t and the start-up log: what a
 * failure gets by default. */
static char *
pcm_auth_summary(const PcmConfig *c)
{
	static const char *const actions[] = { "ignore", "tag", "quarantine", "reject", "honour" };

	if (!c->auth)
		return g_strdup("sender authentication off ([auth] enabled = no)");
	return g_strdup_printf("sender authentication: SPF, DKIM, DMARC, ARC; "
			       "Authentication-Results as %s; DNS %s; DMARC p=reject: %s, "
			       "p=quarantine: %s; SPF fail: %s", pcm_conf_authserv_id(c),
			       *c->dns_servers ? c->dns_servers : "from /etc/resolv.conf",
			       actions[c->policy.dmarc_reject_action],
			       actions[c->policy.dmarc_quarantine_action],
			       actions[c->policy.spf_fail_action]);
}

static void
pcm_log_started(const PcmRuntime *rt)
{
	g_autofree char *summary = NULL;
	const PcmConfig *c = rt->conf;
	const PcEngineInfo *info = pc_engine_info(rt->engine);
	g_autofree char *mem = pcm_conf_format_size(c->spool_memory_max);
	g_autofree char *max = pcm_conf_format_size(c->max_message_size);
	g_autofree char *scan = pcm_conf_format_size(c->max_scan_size);
	g_autofree char *file = pcm_conf_format_size(c->max_file_size);

	pcm_log(LOG_NOTICE, "%s %s started: %s, database %s (%s, %u signatures)",
		PACKAGE_NAME, PACKAGE_VERSION, info->scanner_version, info->database_dir,
		info->database_version, info->signatures);
	pcm_log(LOG_NOTICE, "config %s; listening on %s; spool %s (in memory up to %s); "
		"scan scratch %s (%s); max_message_size=%s; scan_mode=%s; raw_scan=%s; limits: "
		"scan %s, file %s, archive depth %u, MIME depth %u, MIME parts %u, files %u, "
		"time %us (message %us)",
		c->path ? c->path : "(built-in defaults)", c->socket, c->spool_dir, mem,
		c->scan_tmp_dir, pcm_scratch_kind(c->scan_tmp_dir), max,
		pc_scan_mode_name(c->policy.scan_mode),
		c->policy.raw_scan == PC_RAW_FULL ? "full" : "text", scan, file, c->max_archive_depth,
		c->max_mime_depth, c->max_parts, c->max_files, c->max_scan_time, c->scan_timeout);
	pcm_log(LOG_NOTICE, "policy groups %u (group_conflict=%s); quarantine %s (%s); "
		"notifications via %s, queue %s", c->groups->len,
		c->group_conflict == PCM_CONFLICT_SPLIT ? "split" : "strictest",
		c->quarantine_store == PCM_QUARANTINE_MTA ? "in the MTA" : c->quarantine_dir,
		c->quarantine_store == PCM_QUARANTINE_MTA ? "store=mta" : "store=directory",
		*c->notify_relay ? c->notify_relay : c->sendmail_path, c->notify_queue_dir);
	summary = pcm_spam_summary(c, info);
	pcm_log(LOG_NOTICE, "%s; DNS lists %s (budget %u ms)", summary,
		info->dns_lists ? "on" : "off", c->dns_budget_ms);
	g_free(summary);
	summary = pcm_auth_summary(c);
	pcm_log(LOG_NOTICE, "%s", summary);
	if (info->database_missing != NULL)
		pcm_log(LOG_WARNING, "%s: every message is tempfailed (451 4.7.1) until "
			"database_dir has signatures, which are loaded within db_check_interval "
			"(%us) of their arrival", info->database_missing, c->db_check_interval);
	if (rt->release_key == NULL)
		pcm_log(LOG_WARNING, "release marks disabled (%s): messages released from the "
			"quarantine will be scanned again", rt->release_key_error);
}

static pthread_t pcm_main_thread;
static gint pcm_stopping;
static gint pcm_listener_done;

static gpointer
pcm_milter_thread(gpointer data)
{
	int rc;

	(void)data;
	rc = smfi_main();
	g_atomic_int_set(&pcm_listener_done, TRUE);
	if (!g_atomic_int_get(&pcm_stopping)) {
		pcm_log(LOG_ERR, "milter listener stopped unexpectedly (smfi_main returned %d)", rc);
		pthread_kill(pcm_main_thread, SIGTERM);
	}
	return NULL;
}

/* The mail goes on without the control channel: a socket that cannot be
 * made is a warning. */
static void
pcm_control_start_or_warn(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;

	if (!pcm_control_start(conf, &error))
		pcm_log(LOG_WARNING, "%s: running without a control socket (portcullisctl status, "
			"reload, stats and drain will not reach this daemon)", error->message);
}

/* For /healthz: signatures loaded and the milter listener running. */
static gboolean
pcm_ready(char **why)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	const PcEngineInfo *info = pc_engine_info(rt->engine);

	if (info->database_missing != NULL)
		*why = g_strdup(info->database_missing);
	else if (g_atomic_int_get(&pcm_listener_done))
		*why = g_strdup("the milter listener stopped");
	return *why == NULL;
}

static void
pcm_metrics_start_or_warn(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;

	if (!pcm_metrics_start(conf, pcm_ready, &error))
		pcm_log(LOG_WARNING, "%s: running without the metrics endpoint", error->message);
}

/* For the watchdog: the listener runs and the engine scans a message.
 * An engine without signatures (none yet, or a sequential reload) answers
 * with a tempfail that says why: alive, so systemd must not restart it. */
static gboolean
pcm_healthy(void)
{
	static const char probe[] = "Subject: watchdog\r\n\r\nok\r\n";
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	PcInput input = { .data = (const guint8 *)probe, .len = sizeof(probe) - 1, .fd = -1,
			  .deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC };
	g_autoptr(PcVerdict) verdict = NULL;

	if (g_atomic_int_get(&pcm_listener_done))
		return FALSE;
	verdict = pc_engine_scan(rt->engine, &input, &rt->conf->policy);
	return verdict->status != PC_STATUS_ERROR ||
	       pc_engine_info(rt->engine)->database_missing != NULL;
}

static void
pcm_wake(int sig)
{
	(void)sig;
}

/* SIGUSR1 to every thread of libmilter's: the listener thread and those it
 * started (its worker pool's controller) carry its name. */
static void
pcm_wake_milter_threads(void)
{
	g_autoptr(GDir) dir = g_dir_open("/proc/self/task", 0, NULL);
	const char *tid;

	while (dir != NULL && (tid = g_dir_read_name(dir)) != NULL) {
		g_autofree char *path = g_strdup_printf("/proc/self/task/%s/comm", tid);
		g_autofree char *comm = NULL;

		if (g_file_get_contents(path, &comm, NULL, NULL) && strcmp(comm, "milter\n") == 0)
			syscall(SYS_tgkill, getpid(), atoi(tid), SIGUSR1);
	}
}

static gpointer
pcm_smfi_stop(gpointer data)
{
	(void)data;
	smfi_stop();
	return NULL;
}

/* libmilter's listener holds its lock through a poll() that ends every 5
 * seconds when no MTA connects, and smfi_stop() waits for that lock to
 * close the socket: a stop took up to 5 s.  So smfi_stop() runs in a thread
 * of its own while this one wakes the listener with a signal (EINTR: it
 * lets the lock go and sees the stop), again until it has returned in case
 * one lands just before a poll.  SA_RESTART: other calls it interrupts go on. */
static void
pcm_stop_listener(GThread *milter)
{
	struct sigaction sa = { .sa_handler = pcm_wake, .sa_flags = SA_RESTART };
	GThread *stopper;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	stopper = g_thread_new("stop", pcm_smfi_stop, NULL);
	while (!g_atomic_int_get(&pcm_listener_done)) {
		pcm_wake_milter_threads();
		g_usleep(10 * 1000);
	}
	g_thread_join(stopper);
	g_thread_join(milter);
}

/* Returns when SIGTERM or SIGINT arrives. */
static void
pcm_signal_loop(const sigset_t *set)
{
	for (;;) {
		int sig = 0;

		if (sigwait(set, &sig) != 0)
			continue;
		switch (sig) {
		case SIGHUP:
			pcm_log(LOG_NOTICE, "SIGHUP: reloading configuration and signatures");
			pcm_reloader_request(PCM_RELOAD_CONFIG);
			break;
		case SIGUSR2:
			pcm_log(LOG_NOTICE, "SIGUSR2: reloading signatures");
			pcm_reloader_request(PCM_RELOAD_DATABASE);
			break;
		default:
			pcm_log(LOG_NOTICE, "%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
			return;
		}
	}
}

/* Waits for the MTA to close its connections: every message it started
 * gets an answer (the verdict, or 451 for one begun after the signal). */
static void
pcm_drain(guint timeout_s)
{
	gint64 deadline = g_get_monotonic_time() + timeout_s * G_TIME_SPAN_SECOND;

	if (pcm_connections_open() > 0)
		pcm_log(LOG_INFO, "waiting up to %us for %u MTA connection(s) to close "
			"(%u message(s) in flight)", timeout_s, pcm_connections_open(),
			pcm_messages_in_flight());
	while (pcm_connections_open() > 0 && g_get_monotonic_time() < deadline)
		g_usleep(20 * 1000);
	if (pcm_connections_open() > 0)
		pcm_log(LOG_WARNING, "%u MTA connection(s) still open after %us, %u message(s) "
			"in flight; the MTA will retry them", pcm_connections_open(), timeout_s,
			pcm_messages_in_flight());
}

static int
pcm_serve(const PcmArgs *args, const char *path, GStrv overrides, PcmRuntime *rt)
{
	sigset_t set;
	GThread *milter;
	guint drain = rt->conf->shutdown_timeout;
	g_autofree char *pidfile = g_strdup(rt->conf->pidfile);
	/* New MTA connections fail at once (and the MTA tempfails) from the
	 * moment the socket file is gone. */
	g_autofree char *socket_path = pcm_daemon_unix_path(rt->conf->socket);

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pcm_main_thread = pthread_self();
	/* before the start line, which tests and tools take as "up" */
	pcm_control_start_or_warn(rt->conf);
	pcm_metrics_start_or_warn(rt->conf);
	pcm_log_started(rt);
	pcm_notices_start(rt->conf);
	pcm_runtime_install(rt);
	pcm_housekeeping_start();
	pcm_reloader_start(path, (const char *const *)overrides);
	milter = g_thread_new("milter", pcm_milter_thread, NULL);
	pcm_daemon_ready();
	pcm_notify_status("READY=1\nMAINPID=%d", (int)getpid());
	pcm_watchdog_start(pcm_healthy);

	pcm_signal_loop(&set);
	pcm_notify("STOPPING=1\nSTATUS=stopping: letting open MTA connections finish");
	pcm_watchdog_stop();
	pcm_control_stop();
	pcm_metrics_stop();
	g_atomic_int_set(&pcm_stopping, TRUE);
	pcm_stop_accepting();
	if (socket_path != NULL)
		unlink(socket_path);
	pcm_drain(drain);
	pcm_stop_listener(milter);
	/* A stop that comes before libmilter's listener has started makes
	 * smfi_main() bind the socket anew (smfi_stop closed the first one).
	 * But while we drained, a new daemon may have started on the path: a
	 * socket that answers is its, and stays. */
	if (socket_path != NULL)
		pcm_daemon_unlink_dead_socket(socket_path);
	pcm_reloader_stop();
	pcm_housekeeping_stop();
	pcm_notices_stop();
	pcm_autolearn_shutdown();
	pcm_history_shutdown();
	pcm_runtime_shutdown();
	if (!args->foreground && *pidfile != '\0')
		unlink(pidfile);
	pcm_log(LOG_NOTICE, "stopped");
	return EXIT_SUCCESS;
}

int
main(int argc, char **argv)
{
	g_auto(PcmArgs) args = { 0 };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_auto(GStrv) overrides = NULL;
	const char *path;
	PcmRuntime *rt;

	if (!pcm_parse_args(&argc, &argv, &args))
		return EXIT_FAILURE;
	overrides = pcm_overrides(&args);
	path = pcm_config_path(&args);
	conf = pcm_conf_load_with(path, (const char *const *)overrides, &error);
	if (conf == NULL) {
		fprintf(stderr, "portcullis: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (args.dump_defaults) {
		pcm_conf_dump_defaults(stdout);
		return EXIT_SUCCESS;
	}
	pcm_log_open(args.foreground || args.check || args.version || args.scan ||
		     args.list_rules,
		     conf->syslog_facility);
	pcm_log_set_level(conf->log_level);
	if (pcm_log_facility_by_name(conf->syslog_facility) < 0) {
		fprintf(stderr, "portcullis: [log] syslog_facility: \"%s\" is not a facility\n",
			conf->syslog_facility);
		return EXIT_FAILURE;
	}
	if (!pc_engine_global_init(pcm_engine_log, &error))
		return pcm_fatal("", error);
	if (args.version) {
		pcm_print_version(conf);
		return EXIT_SUCCESS;
	}
	if (args.scan)
		return pcm_scan_files(conf, &args.envelope, args.files);
	if (args.list_rules)
		return pcm_list_rules(conf);
	if (args.files != NULL) {
		fprintf(stderr, "portcullis: unexpected argument %s (files go with --scan)\n",
			args.files[0]);
		return EXIT_FAILURE;
	}
	pcm_daemon_files_for_user(conf->user);
	if (args.check)
		pcm_runtime_key_no_create();
	rt = pcm_runtime_build(conf, &error);
	if (rt == NULL)
		return pcm_fatal("cannot start: ", error);
	pcm_conf_log_warnings(conf);
	if (args.check) {
		const PcEngineInfo *info = pc_engine_info(rt->engine);

		if (!pcm_daemon_check_dirs(conf, FALSE, &error)) {
			pcm_runtime_unref(rt);
			return pcm_fatal("", error);
		}

		g_autofree char *summary = pcm_spam_summary(conf, info);
		g_autofree char *auth = pcm_auth_summary(conf);

		printf("%s: configuration OK; %u policy group%s; database %s: version %s, "
		       "%u signatures\n%s\n%s\n", path ? path : "built-in defaults",
		       conf->groups->len, conf->groups->len == 1 ? "" : "s", info->database_dir,
		       info->database_version, info->signatures, summary, auth);
		if (info->database_missing != NULL)
			printf("warning: %s: the daemon starts, and tempfails mail until "
			       "there are signatures\n", info->database_missing);
		pcm_runtime_unref(rt);
		return EXIT_SUCCESS;
	}
	smfi_register(pcm_milter_desc);
	smfi_settimeout((int)conf->milter_timeout);
	if (!pcm_daemon_open_socket(conf, &error) ||
	    (!args.foreground && !pcm_daemon_detach(&error)) ||
	    (!args.foreground && !pcm_daemon_write_pidfile(conf->pidfile, &error)) ||
	    !pcm_daemon_drop_privileges(conf->user, &error) ||
	    !pcm_daemon_check_dirs(conf, TRUE, &error))
		return pcm_fatal("cannot start: ", error);
	return pcm_serve(&args, path, overrides, rt);
}
