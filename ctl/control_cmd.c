/*
 * NAME
 *	control_cmd.c - portcullisctl status | reload | drain, and the
 *	daemon's half of stats: requests over the daemon's control socket
 *	(milter/control/control.h)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"
#include "ctl.h"

const char pcc_control_help[] =
	"    status\n"
	"        What the running daemon says of itself: version, uptime, database\n"
	"        and signatures, spam rules, Bayes, messages in flight, open MTA\n"
	"        connections, and the last reload (when, what, whether it worked).\n"
	"    reload [config|signatures|policy]\n"
	"        Reload the configuration and signatures (config, the default), the\n"
	"        signatures only, or the configuration with the running engine\n"
	"        (policy: when no engine setting changed, no second engine is built;\n"
	"        else as config), wait for it, and print what was loaded, or why\n"
	"        it failed (file:line): the running one is kept and the exit status\n"
	"        is 1. The unit's ExecReload, so that systemctl reload fails visibly.\n"
	"    stats [--json]\n"
	"        The daemon's counters since it started (messages by action and by\n"
	"        status, time in all and by stage, in flight, connections, errors by\n"
	"        kind, DNS list queries and timeouts by list, autolearn), then the\n"
	"        Bayes store's counts.\n"
	"    drain\n"
	"        The daemon takes no new MTA connection, lets the open ones finish\n"
	"        (shutdown_timeout) and exits, as on SIGTERM.\n";

static gboolean
pcc_control_ask(const PcmConfig *conf, const char *request, GString *answer, GError **error)
{
	return pcm_control_ask(conf->control_socket, request, answer, error);
}

/* The daemon's answer to request, printed as it came. */
static int
pcc_control_print(const PcmConfig *conf, const char *request)
{
	g_autoptr(GString) answer = g_string_new(NULL);
	g_autoptr(GError) error = NULL;

	if (!pcc_control_ask(conf, request, answer, &error)) {
		pcc_print_error(error->message);
		return PCC_ERROR;
	}
	fputs(answer->str, stdout);
	return PCC_OK;
}

int
pcc_status(const PcmConfig *conf, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "portcullisctl: status takes no arguments\n");
		return PCC_USAGE;
	}
	return pcc_control_print(conf, "status");
}

int
pcc_reload(const PcmConfig *conf, int argc, char **argv)
{
	g_autofree char *request = NULL;

	static const char *const kinds[] = { "config", "signatures", "policy", NULL };

	if (argc > 1 || (argc == 1 && !g_strv_contains(kinds, argv[0]))) {
		fprintf(stderr, "portcullisctl: reload [config|signatures|policy]\n");
		return PCC_USAGE;
	}
	request = g_strdup_printf("reload %s", argc == 1 ? argv[0] : "config");
	return pcc_control_print(conf, request);
}

int
pcc_drain(const PcmConfig *conf, int argc, char **argv)
{
	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "portcullisctl: drain takes no arguments\n");
		return PCC_USAGE;
	}
	return pcc_control_print(conf, "drain");
}

gboolean
pcc_daemon_stats(const PcmConfig *conf, gboolean json)
{
	g_autoptr(GString) answer = g_string_new(NULL);
	g_autoptr(GError) error = NULL;

	if (!pcc_control_ask(conf, json ? "stats json" : "stats", answer, &error)) {
		g_autofree char *why = pcc_text(error->message);

		printf("daemon: %s\n", why);
		return FALSE;
	}
	fputs(answer->str, stdout);
	return TRUE;
}
