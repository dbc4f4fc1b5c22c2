/*
 * NAME
 *	main.c - portcullis-web: the web console's server
 * SYNOPSIS
 *	portcullis-web [-c FILE] [-o group.key=value]...
 * DESCRIPTION
 *	Reads portcullis.conf ([web], [history]) and serves web/api.h's JSON
 *	API on [web] listen over libmicrohttpd (its thread pool; requests are
 *	small and short).  Runs in the foreground as whoever starts it (the
 *	unit's User=); stops on SIGTERM or SIGINT.  Every answer carries a
 *	strict Content-Security-Policy, X-Content-Type-Options: nosniff,
 *	X-Frame-Options: DENY and Cache-Control: no-store.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <microhttpd.h>

#include "api.h"
#include "conf.h"

#define PCW_BODY_MAX 8192	/* a login form; nothing else is posted yet */

typedef struct {
	GString *body;
	gboolean too_big;
} PcwUpload;

static void
pcw_headers(struct MHD_Response *r, const PcwResponse *out)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (out->set_cookie != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, out->set_cookie);
}

static enum MHD_Result
pcw_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	if (value != NULL)
		g_hash_table_replace(cls, g_strdup(key), g_strdup(value));
	return MHD_YES;
}

static char *
pcw_client(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof(text));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
			  sizeof(text));
	return g_strdup(text);
}

static enum MHD_Result
pcw_answer(struct MHD_Connection *c, PcwApi *api, const char *method, const char *url,
	   const char *body)
{
	g_autoptr(GHashTable) query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							    g_free);
	g_autofree char *client = pcw_client(c);
	PcwRequest req = {
		.method = method, .path = url, .query = query, .client = client, .body = body,
		.session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, PCW_COOKIE),
		.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token"),
	};
	PcwResponse out;
	struct MHD_Response *r;
	enum MHD_Result rc;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, pcw_query_arg, query);
	pcw_api_handle(api, &req, g_get_real_time() / G_USEC_PER_SEC, &out);
	r = MHD_create_response_from_buffer(strlen(out.body), out.body, MHD_RESPMEM_MUST_COPY);
	pcw_headers(r, &out);
	rc = MHD_queue_response(c, out.status, r);
	MHD_destroy_response(r);
	pcw_response_clear(&out);
	return rc;
}

/* libmicrohttpd calls this first with no data, then with each piece of a
 * POST body, then once more to answer. */
static enum MHD_Result
pcw_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	    const char *version, const char *data, size_t *size, void **state)
{
	PcwUpload *up = *state;

	(void)version;
	if (up == NULL) {
		*state = up = g_new0(PcwUpload, 1);
		up->body = g_string_new(NULL);
		return MHD_YES;
	}
	if (*size > 0) {
		if (up->body->len + *size > PCW_BODY_MAX)
			up->too_big = TRUE;
		else
			g_string_append_len(up->body, data, (gssize)*size);
		*size = 0;
		return MHD_YES;
	}
	if (up->too_big) {
		PcwResponse out = { 413, g_strdup("{\"error\":\"request too large\"}"), NULL };
		struct MHD_Response *r = MHD_create_response_from_buffer(
			strlen(out.body), out.body, MHD_RESPMEM_MUST_COPY);
		enum MHD_Result rc;

		pcw_headers(r, &out);
		rc = MHD_queue_response(c, 413, r);
		MHD_destroy_response(r);
		pcw_response_clear(&out);
		return rc;
	}
	return pcw_answer(c, cls, method, url, up->body->str);
}

static void
pcw_request_done(void *cls, struct MHD_Connection *c, void **state,
		 enum MHD_RequestTerminationCode code)
{
	PcwUpload *up = *state;

	(void)cls;
	(void)c;
	(void)code;
	if (up != NULL) {
		g_string_free(up->body, TRUE);
		g_free(up);
	}
}

/* Loopback only: without TLS the session cookie must not cross a network. */
static gboolean
pcw_listen_address(const char *listen_on, struct sockaddr_in *sin, GError **error)
{
	g_autoptr(GSocketConnectable) addr = g_network_address_parse(listen_on, 0, error);
	const char *host;

	if (addr == NULL)
		return FALSE;
	host = g_network_address_get_hostname(G_NETWORK_ADDRESS(addr));
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(g_network_address_get_port(G_NETWORK_ADDRESS(addr)));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127 || sin->sin_port == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[web] listen: \"%s\" is not a loopback IPv4 address and port", listen_on);
		return FALSE;
	}
	return TRUE;
}

static volatile sig_atomic_t pcw_stop;

static void
pcw_on_signal(int sig)
{
	(void)sig;
	pcw_stop = 1;
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) overrides = g_ptr_array_new();
	const char *path = PCM_DEFAULT_CONFIG;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_autoptr(PcwAccounts) accounts = NULL;
	g_autoptr(PcwSessions) sessions = NULL;
	struct MHD_Daemon *d;
	struct sockaddr_in sin;
	PcwApi api = { 0 };

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "-c") == 0)
			path = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "-o") == 0)
			g_ptr_array_add(overrides, argv[++i]);
		else {
			fprintf(stderr, "usage: portcullis-web [-c FILE] [-o group.key=value]...\n"
				"Serves the web console's API on [web] listen (portcullis.conf(5)).\n");
			return strcmp(argv[i], "--help") == 0 ? 0 : 1;
		}
	}
	g_ptr_array_add(overrides, NULL);
	conf = pcm_conf_load_with(path, (const char *const *)overrides->pdata, &error);
	if (conf == NULL || (accounts = pcw_accounts_load(conf->web_users_file, &error)) == NULL ||
	    !pcw_listen_address(conf->web_listen, &sin, &error)) {
		fprintf(stderr, "portcullis-web: %s\n", error->message);
		return 1;
	}
	sessions = pcw_sessions_new(conf->web_session_idle, conf->web_session_lifetime);
	api = (PcwApi){ accounts, sessions, conf->history_dir, FALSE };
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, pcw_on_signal);
	signal(SIGINT, pcw_on_signal);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     pcw_request, &api, MHD_OPTION_SOCK_ADDR, &sin,
			     MHD_OPTION_NOTIFY_COMPLETED, pcw_request_done, NULL,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "portcullis-web: cannot listen on %s\n", conf->web_listen);
		return 1;
	}
	fprintf(stderr, "portcullis-web: serving on %s\n", conf->web_listen);
	while (!pcw_stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
