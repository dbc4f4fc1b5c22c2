/*
 * NAME
 *	conf_keys.c - every portcullis.conf key: the single source of truth
 * DESCRIPTION
 *	One row per key.  The loader validates against it, --dump-defaults
 *	prints it (that output is conf/portcullis.conf, and a test diffs the
 *	two), and the README lists the same keys (conf/readme-keys.py
 *	regenerates its table).  Keep doc strings short,
 *	in the postmaster's terms, and say what the default means.
 */
#include "config.h"

#include "conf_keys.h"
#include "template.h"

#define F(field) offsetof(PcmConfig, field)
#define KiB 1024ULL
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

static const char *const oversize_choices[] = { "accept", "reject", "tempfail", NULL };
static const char *const error_choices[] = { "tempfail", "accept", "reject", NULL };
static const char *const mode_choices[] = { "auto", "parts", "message", "both", NULL };
static const char *const raw_choices[] = { "text", "full", NULL };
static const char *const object_choices[] = { "pass", "remove", "placeholder", "rename", NULL };
static const char *const block_choices[] = { "reject", "discard", "quarantine", "tempfail", NULL };
static const char *const signed_choices[] = { "modify", "block", "pass", NULL };
static const char *const reload_choices[] = { "concurrent", "sequential", NULL };
static const char *const store_choices[] = { "directory", "mta", NULL };
static const char *const conflict_choices[] = { "strictest", "split", NULL };
static const char *const tag_variables[] = { "status", NULL };
static const char *const dmarc_choices[] = { "ignore", "tag", "quarantine", "reject", "honour",
					     NULL };
static const char *const spf_choices[] = { "ignore", "tag", "quarantine", "reject", NULL };

#define ACTION(status) F(policy.object_action[status])

const PcmKey pcm_conf_keys[] = {
	{ "milter", "socket", PCM_KEY_STRING, "unix:/run/portcullis/portcullis.sock", 1, 0, NULL,
	  F(socket),
	  "Where the MTA connects: unix:/path, inet:port@host or inet6:port@host.\n"
	  "A stale unix socket file is removed at start; anything else at that path\n"
	  "(a file, a symbolic link) stops the start." },
	{ "milter", "socket_mode", PCM_KEY_MODE, "0660", 0, 0777, NULL, F(socket_mode),
	  "Permissions of a unix socket file." },
	{ "milter", "control_socket", PCM_KEY_STRING, "/run/portcullis/control.sock", 0, 0, NULL,
	  F(control_socket),
	  "Unix socket portcullisctl status, stats, reload and drain talk to (mode\n"
	  "0660: root, the daemon's user and its group; peers checked). Empty: none.\n"
	  "When it cannot be made the daemon runs without it and says why." },
	{ "metrics", "listen", PCM_KEY_STRING, "", 0, 0, NULL, F(metrics_listen),
	  "Serve Prometheus metrics at /metrics and a health check at /healthz (503\n"
	  "while there are no signatures) on this loopback address and port, e.g.\n"
	  "127.0.0.1:9119 or [::1]:9119, or a unix socket path. Empty: off." },
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
	  "On SIGTERM, seconds to let open MTA connections finish before exiting:\n"
	  "messages in flight get their verdict, new ones a 451." },

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
	  "ClamAV signature directory (freshclam's DatabaseDirectory). Until it has\n"
	  "signatures the daemon runs and tempfails every message (451 4.7.1) saying\n"
	  "why; it loads them within db_check_interval of their arrival." },
	{ "av", "db_check_interval", PCM_KEY_UINT, "60", 0, 86400, NULL, F(db_check_interval),
	  "Seconds between checks of database_dir for changes; a change reloads the\n"
	  "signatures in the background. 0: only on SIGUSR2." },
	{ "av", "reload_memory", PCM_KEY_ENUM, "concurrent", 0, 0, reload_choices,
	  F(reload_memory),
	  "concurrent: a reload builds the new signatures beside the old ones, so no\n"
	  "message waits, but memory peaks at twice the engine's size (about 2 GB\n"
	  "with a full ClamAV database). sequential: the old engine is freed first\n"
	  "(once the messages using it have ended, waiting up to scan_timeout), then\n"
	  "the new one is built; messages that arrive meanwhile get on_error's answer\n"
	  "(tempfail: 451 4.7.1, the sender retries). If the new build fails the\n"
	  "previous configuration is rebuilt; if that fails too, mail is tempfailed\n"
	  "and the build retried every db_check_interval." },
	{ "av", "tmp_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(scan_tmp_dir),
	  "Scratch directory of the scanner (made at start when missing, mode 0700):\n"
	  "libclamav makes and removes a directory in it for every scan and unpacks\n"
	  "archive members there; parts larger than part_memory_max are decoded into\n"
	  "it. Empty: spool_dir/scratch, where the systemd unit mounts a private tmpfs\n"
	  "of bounded size (TemporaryFileSystem=); without it the scratch is on disk\n"
	  "and a small message costs about 0.2 ms more CPU (the start log says which).\n"
	  "Size a tmpfs for max_scan_size times the concurrent scans: when it is full,\n"
	  "scans fail and on_error applies (tempfail: the mail is retried)." },
	{ "av", "max_scan_size", PCM_KEY_SIZE, "200M", 1 * MiB, 4 * GiB, NULL, F(max_scan_size),
	  "Most data scanned in one message, archives unpacked included." },
	{ "av", "max_file_size", PCM_KEY_SIZE, "100M", 1 * MiB, 4 * GiB, NULL, F(max_file_size),
	  "Largest single file (attachment or archive member) scanned." },
	{ "av", "max_files", PCM_KEY_UINT, "10000", 1, 1000000, NULL, F(max_files),
	  "Most files scanned inside one attachment (archive members)." },
	{ "av", "max_scan_time", PCM_KEY_UINT, "120", 1, 3600, NULL, F(max_scan_time),
	  "Seconds one attachment may take to scan; past it the message is\n"
	  "tempfailed (on_error), since a retry under less load may finish." },

	{ "scan", "av", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(policy.av),
	  "Scan with libclamav. no: only the attachment filter runs." },
	{ "scan", "filter", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(policy.filter_enabled),
	  "Run the attachment filter ([filter]). no: files are only scanned." },
	{ "scan", "spam", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(policy.spam),
	  "Score spam with the rules of [spam] rules_dir (and GTUBE, always)." },
	{ "scan", "scan_mode", PCM_KEY_ENUM, "auto", 0, 0, mode_choices, F(policy.scan_mode),
	  "auto: scan each decoded part from memory, plus the raw message once\n"
	  "without mail parsing (body signatures); add libclamav's own whole-message\n"
	  "parse when the parts may not be all there is (a MIME defect, uuencode,\n"
	  "BinHex or yEnc inside a text part, TNEF, message/partial, an unknown\n"
	  "encoding). parts: never the whole-message parse. message: only the\n"
	  "whole-message parse (slowest: every part is written to a file).\n"
	  "both: everything, always. See README, \"Scan modes\"." },
	{ "scan", "raw_scan", PCM_KEY_ENUM, "text", 0, 0, raw_choices, F(policy.raw_scan),
	  "What the parser-less scan of the raw message covers in auto and parts mode:\n"
	  "text (headers, MIME structure and unencoded bodies; the base64,\n"
	  "quoted-printable and uuencoded bodies are scanned decoded, as parts, only)\n"
	  "or full (every byte as sent, as clamd sees it: also matches a signature\n"
	  "written against the encoded text of an attachment, at the cost of a second\n"
	  "pass over it, about a third more bytes). See README, \"Scan modes\"." },
	{ "scan", "part_memory_max", PCM_KEY_SIZE, "16M", 0, 1 * GiB, NULL, F(part_memory_max),
	  "Decoded parts up to this size are held in memory while scanned; larger ones\n"
	  "are decoded into a temp file in tmp_dir (unlinked, mapped)." },
	{ "scan", "max_mime_depth", PCM_KEY_UINT, "20", 1, 100, NULL, F(max_mime_depth),
	  "How deep multiparts and attached messages nest; deeper parts are not\n"
	  "scanned and the message is unscannable (limit:mime-depth)." },
	{ "scan", "max_parts", PCM_KEY_UINT, "1000", 1, 10000, NULL, F(max_parts),
	  "Most MIME entities (parts, multiparts, attached messages) looked at in\n"
	  "one message; past it the rest is not scanned and the message is\n"
	  "unscannable (limit:mime-parts). Each part costs every check a call: a\n"
	  "small message of thousands of empty parts would hold a scanning thread." },
	{ "scan", "scan_timeout", PCM_KEY_UINT, "120", 1, 3600, NULL, F(scan_timeout),
	  "Seconds one message may take to scan, all its parts and checks together;\n"
	  "past it the scan stops and the message is an error (limit:deadline), so\n"
	  "on_error applies (tempfail by default). Keep it below the MTA's milter\n"
	  "timeout (Postfix milter_content_timeout, 300 s)." },
	{ "scan", "max_archive_depth", PCM_KEY_UINT, "17", 1, 64, NULL, F(max_archive_depth),
	  "How deep archives nest inside one attachment; deeper makes the attachment\n"
	  "unscannable (limit:MaxRecursion)." },
	{ "scan", "signature_overrides", PCM_KEY_OVERRIDES, "", 0, 0, NULL,
	  F(policy.signature_overrides),
	  "Comma-separated GLOB=STATUS: detections whose name matches GLOB get STATUS\n"
	  "(pass, suspicious, corrupted, encrypted, unscannable, infected) instead of\n"
	  "the built-in class, e.g. Heuristics.OLE2.ContainsMacros*=pass. Built in:\n"
	  "Heuristics.Encrypted.* encrypted, Heuristics.Limits.Exceeded.* unscannable,\n"
	  "Heuristics.Broken.Media.* corrupted, other Heuristics.* and PUA.* suspicious,\n"
	  "everything else infected." },

	{ "filter", "name_include", PCM_KEY_LIST,
	  "*.exe, *.scr, *.com, *.pif, *.bat, *.cmd, *.cpl, *.msi, *.msp, *.vbs, *.vbe, "
	  "*.js, *.jse, *.wsf, *.wsh, *.hta, *.jar, *.ps1, *.lnk, *.reg", 0, 0, NULL,
	  F(policy.filter.name_include),
	  "Comma-separated globs (case-insensitive) on every file name a part carries\n"
	  "and on the names of files inside its archives: a match is filtered." },
	{ "filter", "name_exclude", PCM_KEY_LIST, "", 0, 0, NULL, F(policy.filter.name_exclude),
	  "Globs that exempt a name from name_include." },
	{ "filter", "type_include", PCM_KEY_LIST, "", 0, 0, NULL, F(policy.filter.type_include),
	  "Globs on the declared and the detected MIME type (e.g. application/x-msdownload,\n"
	  "video/*): a match is filtered." },
	{ "filter", "type_exclude", PCM_KEY_LIST, "", 0, 0, NULL, F(policy.filter.type_exclude),
	  "Globs that exempt a type from type_include." },
	{ "filter", "executables", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(policy.filter.executables),
	  "Filter programs by content whatever their name: PE, ELF, Mach-O, MSI, shell\n"
	  "and batch scripts, also inside archives." },
	{ "filter", "type_mismatch", PCM_KEY_BOOL, "yes", 0, 0, NULL,
	  F(policy.filter.type_mismatch),
	  "Filter a program whose declared type or file name says otherwise\n"
	  "(invoice.pdf that is really a PE)." },
	{ "filter", "double_extension", PCM_KEY_BOOL, "yes", 0, 0, NULL,
	  F(policy.filter.double_extension),
	  "Filter names like report.pdf.exe (also with padding spaces) and names with\n"
	  "a right-to-left override character." },
	{ "filter", "max_attachment_size", PCM_KEY_SIZE, "0", 0, 4 * GiB, NULL,
	  F(policy.filter.max_attachment_size),
	  "Filter parts larger than this once decoded; 0: no limit." },

	{ "policy", "block", PCM_KEY_STATUSES, "infected, unscannable", 0, 0, NULL,
	  F(policy.block),
	  "Statuses that stop the whole message with block_action: any of infected,\n"
	  "unscannable, encrypted, corrupted, suspicious, filtered. Parts with other\n"
	  "statuses get their *_action and the message is delivered." },
	{ "policy", "block_action", PCM_KEY_ENUM, "reject", 0, 0, block_choices,
	  F(policy.block_action),
	  "reject (5xx with reject_message), discard (accept and drop), quarantine\n"
	  "(store in quarantine_dir, then discard) or tempfail (4xx)." },
	{ "policy", "infected_action", PCM_KEY_ENUM, "placeholder", 0, 0, object_choices,
	  ACTION(PC_STATUS_INFECTED),
	  "What happens to an infected part when infected is not in block: pass,\n"
	  "remove, placeholder (a text/plain notice naming the file and the reason)\n"
	  "or rename (rename_suffix appended to the file name)." },
	{ "policy", "suspicious_action", PCM_KEY_ENUM, "pass", 0, 0, object_choices,
	  ACTION(PC_STATUS_SUSPICIOUS), "The same, for heuristic detections." },
	{ "policy", "encrypted_action", PCM_KEY_ENUM, "pass", 0, 0, object_choices,
	  ACTION(PC_STATUS_ENCRYPTED),
	  "The same, for password-protected archives and documents (they cannot be\n"
	  "scanned inside)." },
	{ "policy", "corrupted_action", PCM_KEY_ENUM, "pass", 0, 0, object_choices,
	  ACTION(PC_STATUS_CORRUPTED), "The same, for broken files." },
	{ "policy", "unscannable_action", PCM_KEY_ENUM, "placeholder", 0, 0, object_choices,
	  ACTION(PC_STATUS_UNSCANNABLE),
	  "The same, for parts over a scan limit (when unscannable is not in block)." },
	{ "policy", "filtered_action", PCM_KEY_ENUM, "placeholder", 0, 0, object_choices,
	  ACTION(PC_STATUS_FILTERED), "The same, for parts the attachment filter matched." },
	{ "policy", "signed_action", PCM_KEY_ENUM, "modify", 0, 0, signed_choices,
	  F(policy.signed_action),
	  "For a signed message (multipart/signed, S/MIME, DKIM-Signature) that a part\n"
	  "action would change: modify (the signature breaks), block (block_action\n"
	  "instead) or pass (deliver unchanged; X-Virus-Status still says why). pass\n"
	  "holds only for a verified DKIM signature from [auth] signed_domains." },
	{ "policy", "on_error", PCM_KEY_ENUM, "tempfail", 0, 0, error_choices,
	  F(policy.on_error),
	  "When a check fails for a reason a retry may fix (scanner error, out of\n"
	  "memory, timeout): tempfail (451 4.7.1, the sender retries), accept or reject." },
	{ "policy", "rename_suffix", PCM_KEY_STRING, ".blocked", 1, 0, NULL,
	  F(policy.rename_suffix), "Appended to the file name by the rename action." },
	{ "policy", "placeholder_template", PCM_KEY_TEMPLATE, "", 0, 0, pc_placeholder_variables,
	  F(policy.placeholder_template),
	  "File with the text that replaces a part; empty: the built-in notice.\n"
	  "Variables: {filename} {path} {status} {reason} {signature} {type}\n"
	  "{detected} {size} {hostname}." },
	{ "policy", "reject_message", PCM_KEY_STRING, "Message rejected: {reason}", 1, 0, NULL,
	  F(policy.reject_message),
	  "SMTP reply text when block_action = reject; {reason} says what was found\n"
	  "(\"virus NAME found\", \"unscannable attachment (limit:MaxRecursion)\")." },
	{ "policy", "disclaimer_text", PCM_KEY_TEMPLATE, "", 0, 0, pc_disclaimer_variables,
	  F(policy.disclaimer_text),
	  "File with a disclaimer appended to the text/plain body of delivered mail\n"
	  "(converted to the part's charset and encoding); empty: none. Variable:\n"
	  "{hostname}. A signed message gets it only with signed_action = modify." },
	{ "policy", "disclaimer_html", PCM_KEY_TEMPLATE, "", 0, 0, pc_disclaimer_variables,
	  F(policy.disclaimer_html),
	  "File with an HTML disclaimer inserted before </body> of text/html bodies;\n"
	  "empty: none." },

	{ "policy", "quarantine", PCM_KEY_STATUSES, "", 0, 0, NULL, F(policy.quarantine),
	  "Statuses whose messages are also kept in the quarantine, whatever else\n"
	  "happens to them (rejected, delivered with parts replaced...); e.g.\n"
	  "infected, spam. block_action = quarantine keeps blocked messages there\n"
	  "instead of delivering or rejecting them." },
	{ "policy", "add_headers", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(policy.add_headers),
	  "Add X-Virus-Scanned and X-Virus-Status to delivered mail (incoming copies\n"
	  "are removed either way, so they cannot be forged)." },
	{ "policy", "tag", PCM_KEY_STATUSES, "", 0, 0, NULL, F(policy.tag),
	  "Statuses whose delivered messages get subject_tag in front of the subject." },
	{ "policy", "subject_tag", PCM_KEY_STRING, "[{status}]", 1, 0, tag_variables,
	  F(policy.subject_tag), "Subject prefix for tag; {status} is the message's status." },

	{ "spam", "rules_dir", PCM_KEY_STRING, "auto", 0, 0, NULL, F(spam_rules_dir),
	  "Directory of spam rule files (*.cf, SpamAssassin syntax: header, body,\n"
	  "rawbody, full, uri, meta, score, describe, tflags, DNS lists), read in name\n"
	  "order; a bad rule stops the start with file:line. auto: the shipped set,\n"
	  "PKGDATADIR/rules/spam, when installed; empty: none (GTUBE only)." },
	{ "spam", "sa_rules_dir", PCM_KEY_STRING, "auto", 0, 0, NULL, F(sa_rules_dir),
	  "Directory of an installed SpamAssassin rule set, read before rules_dir so\n"
	  "local rules can change its scores. auto: /usr/share/spamassassin when\n"
	  "Debian's spamassassin package is installed; empty: none. Lines we cannot\n"
	  "run (plugins, eval: tests we do not have) are skipped and counted in the\n"
	  "start-up log, never fatal; portcullis --list-rules names each rule and\n"
	  "whether it runs." },
	{ "spam", "scores_file", PCM_KEY_STRING, "auto", 0, 0, NULL, F(spam_scores_file),
	  "Score lines read after the rules (\"score NAME N\"): the weights portcullisctl\n"
	  "rescore fitted to this site's mail, for rules and the learners' buckets\n"
	  "(BAYES_xx, NGRAM_xx). A reload applies a new one. auto:\n"
	  "/var/lib/portcullis/scores.cf; missing: the published scores; empty: none." },
	{ "spam", "trusted_networks", PCM_KEY_LIST, "", 0, 0, NULL, F(trusted_networks),
	  "Our own relays (addresses, CIDR ranges), besides loopback and private\n"
	  "ranges: DNS lists are asked about the first relay outside them (the\n"
	  "client, or the first such address in the Received headers)." },
	{ "spam", "dns_lists", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(dns_lists),
	  "Run the rules that ask DNS lists (check_rbl, check_rbl_envfrom, urirhssub)." },
	{ "spam", "dns_servers", PCM_KEY_STRING, "", 0, 0, NULL, F(dns_servers),
	  "Resolvers for DNS lists and sender authentication ([auth]),\n"
	  "\"ip[:port],...\"; empty: those of /etc/resolv.conf. Use a local caching\n"
	  "resolver: public ones are refused by most lists." },
	{ "spam", "dns_budget_ms", PCM_KEY_UINT, "2000", 100, 60000, NULL, F(dns_budget_ms),
	  "Most a message waits at its end for DNS list answers, and for each of\n"
	  "[auth]'s checks (lookups start at connect, MAIL FROM and the end of the\n"
	  "header). A list that has not answered adds nothing and is named in the\n"
	  "log line (dns_unanswered=); an unanswered [auth] lookup is temperror." },
	{ "spam", "bayes_dir", PCM_KEY_STRING, "auto", 0, 0, NULL, F(bayes_dir),
	  "Directory of the Bayes token store (LMDB), filled by portcullisctl learn\n"
	  "and autolearn. auto: /var/lib/portcullis/bayes; empty: no Bayes. Read at\n"
	  "each message, so learning takes effect without a restart; Bayes scores\n"
	  "once bayes_min_learned spam and ham are learned." },
	{ "spam", "bayes_min_learned", PCM_KEY_UINT, "200", 1, 1000000, NULL,
	  F(bayes_min_learned),
	  "Spam and ham messages each that must be learned before Bayes scores\n"
	  "(BAYES_00 -2.0 ... BAYES_999 +5.0)." },
	{ "spam", "prefilter", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(spam_prefilter),
	  "Run a body, rawbody, uri or header rule's pattern only when one of the\n"
	  "strings every match must contain is in the text (found for all rules in\n"
	  "one pass). The hits are the same either way; no runs every pattern, at\n"
	  "about twice the CPU with SpamAssassin's set, to compare." },
	{ "spam", "ngram", PCM_KEY_BOOL, "no", 0, 0, NULL, F(ngram),
	  "Score with the second learner too, beside Bayes: logistic regression on\n"
	  "the character 4-grams of the subject, sender and visible text, learned by\n"
	  "portcullisctl learn (and autolearn, when on) into bayes_dir (NGRAM_00 -2.0\n"
	  "... NGRAM_999 +5.0, once bayes_min_learned of each are learned). Off by\n"
	  "default: with SpamAssassin's set and rescoring it caught 1.6 points more\n"
	  "spam and flagged 1 ham of 2500 in cross-validation, where off flagged none." },
	{ "spam", "allow_senders", PCM_KEY_MASKS, "", 0, 0, NULL, F(policy.allow_senders),
	  "Envelope senders whose mail is never spam: addresses, *@domain, globs,\n"
	  "re:REGEX, file:PATH (one mask per line), as in groups. Scored\n"
	  "USER_IN_ALLOWLIST: spam and probable findings are ignored." },
	{ "spam", "allow_senders_file", PCM_KEY_STRING, "/var/lib/portcullis/lists/allow-senders", 0,
	  0, NULL, F(allow_senders_file),
	  "More allow_senders masks, one a line, kept by the web console; added to\n"
	  "[spam] allow_senders (a group that sets its own does not get them). A\n"
	  "missing file is an empty list; empty: none." },
	{ "spam", "allow_clients", PCM_KEY_NETWORKS, "", 0, 0, NULL, F(policy.allow_clients),
	  "Client addresses and CIDR ranges whose mail is never spam." },
	{ "spam", "block_senders", PCM_KEY_MASKS, "", 0, 0, NULL, F(policy.block_senders),
	  "Envelope senders whose mail is always spam (USER_IN_BLOCKLIST); the allow\n"
	  "lists win when both match." },
	{ "spam", "block_senders_file", PCM_KEY_STRING, "/var/lib/portcullis/lists/block-senders", 0,
	  0, NULL, F(block_senders_file),
	  "The same for block_senders." },
	{ "spam", "block_clients", PCM_KEY_NETWORKS, "", 0, 0, NULL, F(policy.block_clients),
	  "Client addresses and CIDR ranges whose mail is always spam." },
	{ "spam", "autolearn", PCM_KEY_BOOL, "no", 0, 0, NULL, F(autolearn),
	  "Learn clear cases into bayes_dir as mail passes: a score without Bayes\n"
	  "at or above autolearn_spam as spam, below autolearn_ham as ham. A writer\n"
	  "thread learns them after the answer, many to one LMDB transaction." },
	{ "spam", "autolearn_spam", PCM_KEY_NUMBER, "12", 0, 10000, NULL, F(autolearn_spam),
	  "Score without Bayes from which autolearn learns a message as spam." },
	{ "spam", "autolearn_ham", PCM_KEY_NUMBER, "0.1", 0, 10000, NULL, F(autolearn_ham),
	  "Score without Bayes below which autolearn learns a message as ham." },
	{ "spam", "spam_threshold", PCM_KEY_NUMBER, "5", 0, 10000, NULL,
	  F(policy.spam_threshold), "Score from which a message is spam." },
	{ "spam", "probable_threshold", PCM_KEY_NUMBER, "3", 0, 10000, NULL,
	  F(policy.probable_threshold),
	  "Score from which a message is probable spam (below spam_threshold)." },

	{ "auth", "enabled", PCM_KEY_BOOL, "yes", 0, 0, NULL, F(auth),
	  "Verify SPF (MAIL FROM and HELO), DKIM, DMARC and ARC for every message,\n"
	  "with DNS from [spam] dns_servers within dns_budget_ms, and add an\n"
	  "Authentication-Results header. Replaces OpenDKIM and OpenDMARC milters\n"
	  "that only verify. A DNS failure is temperror, never a tempfail by itself." },
	{ "auth", "authserv_id", PCM_KEY_STRING, "", 0, 0, NULL, F(authserv_id),
	  "The name in our Authentication-Results headers; incoming ones that claim\n"
	  "it are removed (they would be forged). Empty: this host's name." },
	{ "auth", "dmarc_reject_action", PCM_KEY_ENUM, "honour", 0, 0, dmarc_choices,
	  F(policy.dmarc_reject_action),
	  "A message failing DMARC whose From domain publishes p=reject: honour\n"
	  "(reject: 550 5.7.1), reject, quarantine, tag (subject_tag with status\n"
	  "\"forged\") or ignore (only the header says so)." },
	{ "auth", "dmarc_quarantine_action", PCM_KEY_ENUM, "tag", 0, 0, dmarc_choices,
	  F(policy.dmarc_quarantine_action),
	  "The same for p=quarantine; honour means quarantine. pct= below 100 and\n"
	  "sp= are applied first, as RFC 7489 says." },
	{ "auth", "spf_fail_action", PCM_KEY_ENUM, "ignore", 0, 0, spf_choices,
	  F(policy.spf_fail_action),
	  "A message whose MAIL FROM domain's SPF record says fail (-all): reject,\n"
	  "quarantine, tag or ignore. Forwarded mail fails SPF; DMARC is the better\n"
	  "judge, so the default leaves SPF to the spam score (SPF_FAIL)." },
	{ "auth", "arc_trusted_sealers", PCM_KEY_LIST, "", 0, 0, NULL,
	  F(policy.arc_trusted_sealers),
	  "Forwarders (mailing lists, your own gateways) whose passing ARC chain\n"
	  "excuses a DMARC or SPF failure: the d= of the newest ARC-Seal." },
	{ "auth", "allow_senders", PCM_KEY_MASKS, "", 0, 0, NULL, F(policy.auth_allow_senders),
	  "From addresses whose mail is never spam, only when SPF or a DKIM signature\n"
	  "over the whole body passed for a domain aligned with the From domain (as\n"
	  "SpamAssassin's welcomelist_auth): a forged sender gets no pass. Masks as\n"
	  "in [spam] allow_senders." },
	{ "auth", "signed_domains", PCM_KEY_LIST, "", 0, 0, NULL, F(policy.signed_domains),
	  "Signing domains (and their subdomains) whose verified DKIM signature over\n"
	  "the whole body makes a message signed for signed_action = pass; any other\n"
	  "message is modified as usual (anyone can add a DKIM-Signature header)." },

	{ "notify", "notify_admin", PCM_KEY_STATUSES, "infected, encrypted, unscannable", 0, 0,
	  NULL, F(policy.notify_admin),
	  "Statuses that send admin_address a notification." },
	{ "notify", "notify_recipients", PCM_KEY_STATUSES, "", 0, 0, NULL,
	  F(policy.notify_recipients),
	  "Statuses that tell each recipient what happened to a message for them." },
	{ "notify", "notify_sender", PCM_KEY_STATUSES, "", 0, 0, NULL, F(policy.notify_sender),
	  "Statuses that tell the envelope sender. Leave infected out: virus senders\n"
	  "are forged, so the notice would go to an innocent third party. Never sent\n"
	  "for the null sender <>." },
	{ "notify", "admin_address", PCM_KEY_STRING, "postmaster", 1, 0, NULL,
	  F(policy.admin_address),
	  "Who gets administrator notifications (a bare local part is completed by\n"
	  "the MTA)." },
	{ "notify", "notify_language", PCM_KEY_STRING, "en", 1, 0, NULL,
	  F(policy.notify_language),
	  "Template set to use: templates_dir/LANGUAGE/{admin,recipient,sender}.txt." },
	{ "notify", "templates_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(templates_dir),
	  "Directory with one subdirectory of notification templates per language;\n"
	  "empty: the built-in English set (conf/templates/en in the source)." },
	{ "notify", "from_address", PCM_KEY_STRING, "", 0, 0, NULL, F(notify_from),
	  "From: of notifications; empty: postmaster@ this host's name. The envelope\n"
	  "sender is always <> (no bounces of bounces)." },
	{ "notify", "sendmail_path", PCM_KEY_STRING, "/usr/sbin/sendmail", 1, 0, NULL,
	  F(sendmail_path),
	  "Local MTA's sendmail program, run without a shell, for notifications (when\n"
	  "relay is empty) and for portcullisctl release." },
	{ "notify", "relay", PCM_KEY_STRING, "", 0, 0, NULL, F(notify_relay),
	  "host:port of an SMTP relay for notifications, releases and digests (e.g.\n"
	  "127.0.0.1:25 where the unit's NoNewPrivileges stops setgid postdrop);\n"
	  "empty: sendmail_path." },
	{ "notify", "queue_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(notify_queue_dir),
	  "Notifications wait here until sent, one file each, written atomically;\n"
	  "empty: spool_dir/notify (made at start when missing)." },
	{ "notify", "retry_interval", PCM_KEY_UINT, "300", 1, 86400, NULL, F(notify_retry),
	  "Seconds between attempts to send a notification that failed." },
	{ "notify", "max_attempts", PCM_KEY_UINT, "12", 1, 1000, NULL, F(notify_max_attempts),
	  "Attempts before a notification is given up (moved to queue_dir/failed)." },

	{ "quarantine", "quarantine_dir", PCM_KEY_STRING, "/var/lib/portcullis/quarantine", 1, 0,
	  NULL, F(quarantine_dir),
	  "Where quarantined messages are stored: ID.eml (the message as received)\n"
	  "and ID.meta (envelope, client, group, findings, action), with an index\n"
	  "for portcullisctl. If an entry cannot be written the message is\n"
	  "tempfailed." },
	{ "quarantine", "store", PCM_KEY_ENUM, "directory", 0, 0, store_choices,
	  F(quarantine_store),
	  "directory (quarantine_dir, managed with portcullisctl quarantine) or mta\n"
	  "(the MTA's own quarantine: Postfix's hold queue, released with\n"
	  "postsuper -H; Sendmail's quarantine, released with sendmail -qQ)." },
	{ "quarantine", "max_age", PCM_KEY_UINT, "30", 0, 36500, NULL, F(quarantine_max_age),
	  "Days an entry is kept; 0: until deleted." },
	{ "quarantine", "max_size", PCM_KEY_SIZE, "0", 0, 0, NULL, F(quarantine_max_size),
	  "Total size of the quarantine; past it the oldest entries go. 0: no limit." },
	{ "quarantine", "release_key_file", PCM_KEY_STRING, "/var/lib/portcullis/release.key", 1,
	  0, NULL, F(release_key_file),
	  "Secret that signs released messages so that they pass without being\n"
	  "quarantined again; created (32 random bytes from getrandom, mode 0600,\n"
	  "owned by the -u user) when missing. Read at start; a reload keeps it\n"
	  "unless this path changed and the new file can be read. Keep it private:\n"
	  "whoever has it can send mail past the filter." },
	{ "quarantine", "archive_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(archive_dir),
	  "Keep a copy of every incoming message here (same format); empty: no archive." },
	{ "quarantine", "archive_max_age", PCM_KEY_UINT, "7", 0, 36500, NULL, F(archive_max_age),
	  "Days archived messages are kept; 0: until deleted." },

	{ "history", "dir", PCM_KEY_STRING, "/var/lib/portcullis/history", 0, 0, NULL,
	  F(history_dir),
	  "The message trace: one record per message (what its log line says),\n"
	  "searched with portcullisctl history. Written by a thread of its own, never\n"
	  "on the message path (made at first use, mode 0700); empty: no history." },
	{ "history", "max_entries", PCM_KEY_UINT, "1000000", 0, 100000000, NULL,
	  F(history_max_entries),
	  "Records kept at most (about 1 KB each); past it the oldest go. 0: no limit." },
	{ "history", "max_age", PCM_KEY_UINT, "30", 0, 36500, NULL, F(history_max_age),
	  "Days a record is kept; 0: no age limit." },

	{ "web", "users_file", PCM_KEY_STRING, "/etc/portcullis/web-users", 0, 0, NULL,
	  F(web_users_file),
	  "Accounts of the web console, one a line NAME:HASH:ROLE[:DOMAINS] (ROLE\n"
	  "admin, or domain: only mail to or from DOMAINS); kept with portcullisctl\n"
	  "web-user, which writes yescrypt hashes. Mode 0600: it holds password hashes." },
	{ "web", "listen", PCM_KEY_STRING, "127.0.0.1:8025", 1, 0, NULL, F(web_listen),
	  "Address and port portcullis-web serves the console on (IPv4). Without\n"
	  "tls_cert only a loopback address is taken: put a reverse proxy with TLS\n"
	  "in front, or set tls_cert and tls_key." },
	{ "web", "tls_cert", PCM_KEY_STRING, "", 0, 0, NULL, F(web_tls_cert),
	  "PEM certificate (chain) for HTTPS; with tls_key, the console speaks only\n"
	  "HTTPS, its cookie is Secure, and listen may be any address. Empty: HTTP." },
	{ "web", "tls_key", PCM_KEY_STRING, "", 0, 0, NULL, F(web_tls_key),
	  "PEM private key of tls_cert (read before privileges are dropped)." },
	{ "web", "static_dir", PCM_KEY_STRING, "auto", 1, 0, NULL, F(web_static_dir),
	  "The page application's files (index.html, app.js, app.css); auto: those\n"
	  "installed with portcullis-web." },
	{ "web", "audit_log", PCM_KEY_STRING, "/var/lib/portcullis/web/audit.log", 0, 0, NULL,
	  F(web_audit_log),
	  "Every release, deletion, learning and list change made in the console,\n"
	  "one JSON object a line (time, user, action, what); empty: none." },
	{ "web", "base_url", PCM_KEY_STRING, "", 0, 0, NULL, F(web_base_url),
	  "The console's address as recipients reach it (https://mail.example.org),\n"
	  "for the links of portcullisctl digest. Empty: no digests." },
	{ "web", "digest_statuses", PCM_KEY_STATUSES, "spam, probable", 0, 0, NULL,
	  F(web_digest_statuses),
	  "Quarantined mail of these statuses is listed in recipients' digests, each\n"
	  "with a link to release it to themselves (add infected only if policy\n"
	  "lets recipients release viruses)." },
	{ "web", "link_days", PCM_KEY_UINT, "7", 1, 90, NULL, F(web_link_days),
	  "Days a digest link works." },
	{ "web", "digest_optout_file", PCM_KEY_STRING, "/var/lib/portcullis/web/digest-optout", 0,
	  0, NULL, F(web_digest_optout_file),
	  "Recipients who asked for no more digests, one address a line." },
	{ "web", "session_idle", PCM_KEY_UINT, "1800", 60, 86400, NULL, F(web_session_idle),
	  "Seconds of inactivity after which a console session ends." },
	{ "web", "session_lifetime", PCM_KEY_UINT, "43200", 60, 604800, NULL,
	  F(web_session_lifetime),
	  "Seconds after login at which a console session ends, active or not." },

	{ "groups", "groups_dir", PCM_KEY_STRING, "", 0, 0, NULL, F(groups_dir),
	  "Directory of *.conf files with more [group:NAME] sections, read in name\n"
	  "order after portcullis.conf (e.g. /etc/portcullis/groups.d); empty: none." },
	{ "groups", "group_conflict", PCM_KEY_ENUM, "strictest", 0, 0, conflict_choices,
	  F(group_conflict),
	  "When recipients of one message fall in groups with different policies:\n"
	  "strictest (the most protective outcome of their groups applies to the\n"
	  "whole message) or split (a recipient whose group differs from the first\n"
	  "recipient's gets 452 4.5.3 and the client sends it again separately)." },

	{ "log", "level", PCM_KEY_LOGLEVEL, "info", 0, 0, NULL, F(log_level),
	  "error, warning, notice, info (one line per message) or debug." },
	{ "log", "syslog_facility", PCM_KEY_STRING, "mail", 1, 0, NULL, F(syslog_facility),
	  "Syslog facility: mail, daemon or local0 .. local7. With -f logs go to stderr." },
};

const guint pcm_conf_nkeys = G_N_ELEMENTS(pcm_conf_keys);

const PcmReplacedKey pcm_conf_replaced_keys[] = {
	{ "av", "on_infected", "replaced by [policy] block, block_action and infected_action" },
	{ "av", "on_error", "moved to [policy] on_error" },
	{ "av", "reject_message", "moved to [policy] reject_message ({virus} is now {reason})" },
	{ "av", "max_recursion", "renamed [scan] max_archive_depth" },
};

const guint pcm_conf_nreplaced = G_N_ELEMENTS(pcm_conf_replaced_keys);
