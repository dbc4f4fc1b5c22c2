/*
 * NAME
 *	portcullisctl - manage portcullis: the quarantine now, more later
 * DESCRIPTION
 *	Reads the same portcullis.conf as the daemon (-c, -o), so both
 *	always agree on directories, keys and the local MTA.  Each command
 *	group is one row of the table below and one file in ctl/.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "ctl.h"

#ifndef PCM_DEFAULT_CONFIG
#define PCM_DEFAULT_CONFIG "/etc/portcullis/portcullis.conf"
#endif

static const char pcc_help[] =
	"NAME\n"
	"    portcullisctl - manage the portcullis mail filter: quarantine, Bayes\n"
	"\n"
	"SYNOPSIS\n"
	"    portcullisctl [-c FILE] [-o GROUP.KEY=VALUE]... COMMAND [ARGS]\n"
	"    portcullisctl --help | --version\n"
	"\n"
	"DESCRIPTION\n"
	"    portcullisctl works on what the portcullis daemon keeps: the\n"
	"    quarantine of messages it stopped (block_action = quarantine, or a\n"
	"    status listed in [policy] quarantine), and the Bayes store the spam\n"
	"    check reads ([spam] bayes_dir). It reads the daemon's\n"
	"    configuration file, so both agree on quarantine_dir, release_key_file\n"
	"    and sendmail_path. It needs read and write access to quarantine_dir:\n"
	"    run it as the user portcullis runs as, or as root, which switches to\n"
	"    the owner of quarantine_dir before touching anything in it. Values\n"
	"    from mail (subjects, addresses, names) are printed with control\n"
	"    characters escaped (\\x1b, \\u009b).\n"
	"\n"
	"COMMANDS\n"
	"%s"
	"\n"
	"OPTIONS\n"
	"    -c FILE, --config FILE\n"
	"        Configuration file (default " PCM_DEFAULT_CONFIG ").\n"
	"    -o GROUP.KEY=VALUE\n"
	"        Override one key, as with the daemon, e.g.\n"
	"        -o quarantine.quarantine_dir=/var/lib/portcullis/archive to work\n"
	"        on the archive.\n"
	"    -h, --help\n"
	"        This text. \"portcullisctl quarantine --help\" shows the commands only.\n"
	"    -V, --version\n"
	"        Version.\n"
	"\n"
	"EXIT STATUS\n"
	"    0   done\n"
	"    1   error, or a bad command line (the message says what went wrong)\n"
	"    2   no such entry\n"
	"\n"
	"FILES\n"
	"    " PCM_DEFAULT_CONFIG "\n"
	"    quarantine_dir/ID.eml    a quarantined message, exactly as received\n"
	"    quarantine_dir/ID.meta   its metadata (envelope, client, group, findings)\n"
	"    quarantine_dir/.index/   the index (SQLite) (rebuilt by quarantine reindex)\n"
	"    quarantine_dir/.used-marks/  release marks that let their message through\n"
	"                             (each passes once; removed when expired)\n"
	"    release_key_file         the secret that signs released messages\n"
	"\n"
	"EXAMPLES\n"
	"    portcullisctl quarantine list --since 1d --status infected\n"
	"    portcullisctl quarantine list --rcpt ann@example.com --json\n"
	"    portcullisctl quarantine show 20261122T141500-4Xk2Lm0ZQz-8c0d4e2a\n"
	"    portcullisctl quarantine release 20261122T141500-4Xk2Lm0ZQz-8c0d4e2a\n"
	"    portcullisctl quarantine release ID --to helpdesk@example.com\n"
	"    portcullisctl quarantine purge --older-than 30d\n"
	"    portcullisctl learn --spam /srv/corpus/spam/ && portcullisctl stats\n"
	"    portcullisctl rescore --spam /srv/corpus/spam/ --ham /srv/corpus/ham/\n"
	"\n"
	"SEE ALSO\n"
	"    portcullis(8) --help; README, sections \"Quarantine: two stores\" and\n"
	"    \"Policy groups\".\n";

typedef struct {
	const char *name;
	int (*run)(const PcmConfig *conf, int argc, char **argv);
	const char *help;
} PccCommand;

static const PccCommand pcc_commands[] = {
	{ "status", pcc_status, pcc_control_help },
	{ "reload", pcc_reload, "" },
	{ "drain", pcc_drain, "" },
	{ "quarantine", pcc_quarantine, pcc_quarantine_help },
	{ "history", pcc_history, pcc_history_help },
	{ "web-user", pcc_webuser, pcc_webuser_help },
	{ "digest", pcc_digest, pcc_digest_help },
	{ "learn", pcc_learn, pcc_learn_help },
	{ "forget", pcc_forget, "" },
	{ "stats", pcc_stats, "" },
	{ "rescore", pcc_rescore, pcc_rescore_help },
};

static void
pcc_usage(FILE *out)
{
	GString *commands = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(pcc_commands); i++)
		g_string_append(commands, pcc_commands[i].help);
	fprintf(out, pcc_help, commands->str);
	g_string_free(commands, TRUE);
}

typedef struct {
	const char *config;
	GPtrArray *options;
	int next;		/* index of the command word */
} PccArgs;

/* Global options come before the command. */
static int
pcc_parse_global(int argc, char **argv, PccArgs *args)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			pcc_usage(stdout);
			return PCC_OK;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("portcullisctl %s\n", PACKAGE_VERSION);
			return PCC_OK;
		}
		if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0 || strcmp(a, "-o") == 0) &&
		    i + 1 < argc) {
			if (a[1] == 'o')
				g_ptr_array_add(args->options, argv[++i]);
			else
				args->config = argv[++i];
			continue;
		}
		g_autofree char *shown = pcc_text(a);

		fprintf(stderr, "portcullisctl: unknown option %s (see --help)\n", shown);
		return PCC_USAGE;
	}
	if (i >= argc) {
		fprintf(stderr, "portcullisctl: no command (see --help)\n");
		return PCC_USAGE;
	}
	args->next = i;
	return -1;
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) options = g_ptr_array_new();
	PccArgs args = { PCM_DEFAULT_CONFIG, options, 0 };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	int rc = pcc_parse_global(argc, argv, &args);

	if (rc >= 0)
		return rc;
	/* release hands messages to sendmail_path: one that exits without
	 * reading them is an error to report, not a signal that kills us. */
	signal(SIGPIPE, SIG_IGN);
	g_ptr_array_add(options, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(pcc_commands); i++) {
		if (strcmp(argv[args.next], pcc_commands[i].name) != 0)
			continue;
		if (args.next + 1 < argc && (strcmp(argv[args.next + 1], "--help") == 0 ||
					     strcmp(argv[args.next + 1], "-h") == 0)) {
			fputs(pcc_commands[i].help, stdout);
			return PCC_OK;
		}
		g_mime_init();
		conf = pcm_conf_load_with(strcmp(args.config, "/dev/null") ? args.config : NULL,
					  (const char *const *)options->pdata, &error);
		if (conf == NULL) {
			pcc_print_error(error->message);
			return PCC_ERROR;
		}
		return pcc_commands[i].run(conf, argc - args.next - 1, argv + args.next + 1);
	}
	g_autofree char *shown = pcc_text(argv[args.next]);

	fprintf(stderr, "portcullisctl: unknown command %s (see --help)\n", shown);
	return PCC_USAGE;
}
