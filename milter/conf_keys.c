/*
 * NAME
 *	conf_keys.c - every portcullis.conf key: the single source of truth
 * DESCRIPTION
 *	One row per key.  The loader validates against it, --dump-defaults
 *	prints it (that output is conf/portcullis.conf, and a test diffs the
 *	two), and the README lists the same keys.  Keep doc strings short,
 *	in the postmaster's terms, and say what the default means.
 */
#include "config.h"

#include "conf_keys.h"

#define F(field) offsetof(PcmConfig, field)
#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

static const char *const oversize_choices[] = { "accept", "reject", "tempfail", NULL };
static const char *const infected_choices[] = { "reject", "discard", "quarantine", "accept", NULL };
static const char *const error_choices[] = { "tempfail", "accept", "reject", NULL };

const PcmKey pcm_conf_keys[] = {
	{ "milter", "socket", PCM_KEY_STRING, "unix:/run/portcullis/portcullis.sock", 1, 0, NULL,
	  F(socket),
	  "Where the MTA connects: unix:/path, inet:port@host or inet6:port@host.\n"
	  "A stale unix socket file is removed at start." },
	{ "milter", "socket_mode", PCM_KEY_MODE, "0660", 0, 0777, NULL, F(socket_mode),
	  "Permissions of a unix socket file." },
	{ "milter", "socket_group", PCM_KEY_STRING, "", 0, 0, NULL, F(socket_group),
	  "Group given to a unix socket file (e.g. postfix); empty: leave as created." },
	{ "milter", "user", PCM_KEY_STRING, "", 0, 0, NULL, F(user),
	  "Drop privileges to this user after opening the socket; empty: keep running\n"
	  "as started (the systemd unit already starts as user portcullis)." },
	{ "milter", "pidfile", PCM_KEY_STRING, "/run/portcullis/portcullis.pid", 0, 0, NULL,
	  F(pidfile), "PID file written when running as a daemon; empty: none." },
	{ "milter", "timeout", PCM_KEY_UINT, "300", 1, 86400, NULL, F(milter_timeout),
	  "Seconds to wait for the MTA before dropping an idle milter connection." },
	{ "milter", "shutdown_timeout", PCM_KEY_UINT, "30", 0, 3600, NULL, F(shutdown_timeout),
	  "On SIGTERM, seconds to let messages in flight finish before exiting." },

	{ "message", "spool_dir", PCM_KEY_STRING, "/var/spool/portcullis", 1, 0, NULL,
	  F(spool_dir),
	  "Private directory for messages larger than spool_memory_max and for the\n"
	  "scanner's unpacked files. Files there are unlinked at creation (mode 0600)." },
	{ "message", "spool_memory_max", PCM_KEY_SIZE, "1M", 0, 1 * GiB, NULL,
	  F(spool_memory_max),
	  "Messages up to this size are held in memory; larger ones go to spool_dir." },
	{ "message", "max_message_size", PCM_KEY_SIZE, "50M", 1 * KiB, 4 * GiB, NULL,
	  F(max_message_size),
	  "Larger messages are not scanned; oversize_action decides what happens." },
	{ "message", "oversize_action", PCM_KEY_ENUM, "accept", 0, 0, oversize_choices,
	  F(oversize_action),
	  "accept (unscanned, with X-Virus-Status: Unscanned (size)), reject (552 5.3.4)\n"
	  "or tempfail (452 4.3.4)." },

	{ "av", "database_dir", PCM_KEY_STRING, "/var/lib/clamav", 1, 0, NULL, F(database_dir),
	  "ClamAV signature directory (freshclam's DatabaseDirectory). Without usable\n"
	  "signatures there the daemon refuses to start." },
	{ "av", "db_check_interval", PCM_KEY_UINT, "60", 0, 86400, NULL, F(db_check_interval),
	  "Seconds between checks of database_dir for changes; a change reloads the\n"
	  "signatures in the background. 0: only on SIGUSR2." },
	{ "av", "tmp_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(scan_tmp_dir),
	  "Scratch directory for the scanner's unpacked files (decoded attachments,\n"
	  "archive members); empty: spool_dir. On a tmpfs the scan of a small message\n"
	  "costs less than half the CPU (libclamav's mail parser writes every part to\n"
	  "a file); size it for max_scan_size times the concurrent scans: when it is\n"
	  "full, scans fail and on_error applies." },
	{ "av", "max_scan_size", PCM_KEY_SIZE, "200M", 1 * MiB, 4 * GiB, NULL, F(max_scan_size),
	  "Most data scanned in one message, archives unpacked included." },
	{ "av", "max_file_size", PCM_KEY_SIZE, "100M", 1 * MiB, 4 * GiB, NULL, F(max_file_size),
	  "Largest single file (attachment or archive member) scanned." },
	{ "av", "max_recursion", PCM_KEY_UINT, "17", 1, 64, NULL, F(max_recursion),
	  "How deep archives and attachments nest before scanning stops." },
	{ "av", "max_files", PCM_KEY_UINT, "10000", 1, 1000000, NULL, F(max_files),
	  "Most files scanned inside one message." },
	{ "av", "max_scan_time", PCM_KEY_UINT, "120", 1, 3600, NULL, F(max_scan_time),
	  "Seconds one message may take to scan." },
	{ "av", "on_infected", PCM_KEY_ENUM, "reject", 0, 0, infected_choices, F(on_infected),
	  "reject (550 5.7.1), discard (accept and drop), quarantine (store in\n"
	  "quarantine_dir, then discard) or accept (deliver with X-Virus-Status: Infected)." },
	{ "av", "on_error", PCM_KEY_ENUM, "tempfail", 0, 0, error_choices, F(on_error),
	  "When a message cannot be scanned completely (scanner error, a scan limit\n"
	  "exceeded, timeout): tempfail (451 4.7.1, the sender retries), accept or reject." },
	{ "av", "reject_message", PCM_KEY_STRING, "Message rejected: virus {virus} found", 1, 0,
	  NULL, F(reject_message),
	  "SMTP reply text for rejected infected mail; {virus} is the signature name." },

	{ "quarantine", "quarantine_dir", PCM_KEY_STRING, "/var/lib/portcullis/quarantine", 1, 0,
	  NULL, F(quarantine_dir),
	  "Where on_infected = quarantine stores messages: NAME.eml (the message as\n"
	  "received) and NAME.env (envelope, client, verdict)." },

	{ "log", "level", PCM_KEY_LOGLEVEL, "info", 0, 0, NULL, F(log_level),
	  "error, warning, notice, info (one line per message) or debug." },
	{ "log", "syslog_facility", PCM_KEY_STRING, "mail", 1, 0, NULL, F(syslog_facility),
	  "Syslog facility: mail, daemon or local0 .. local7. With -f logs go to stderr." },
};

const guint pcm_conf_nkeys = G_N_ELEMENTS(pcm_conf_keys);
