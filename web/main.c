/*
 * NAME
 *	main.c - portcullis-web: the web console's server
 * SYNOPSIS
 *	portcullis-web [-c FILE] [-o group.key=value]...
 * DESCRIPTION
 *	Reads portcullis.conf ([web], [history], [quarantine], [spam]) and
 *	serves web/api.h's JSON API under /api/ and the page application's
 *	files ([web] static_dir) on [web] listen over libmicrohttpd (its
 *	thread pool), with TLS when [web] tls_cert is set.  Runs in the
 *	foreground as whoever starts it (the unit's User=); stops on SIGTERM
 *	or SIGINT.  Every answer carries a strict Content-Security-Policy
 *	(pages may load only their own scripts and styles and talk only to
 *	this server), X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
 *	Referrer-Policy: no-referrer; API answers Cache-Control: no-store.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <gio/gio.h>
#include <microhttpd.h>

#include <portcullis/engine.h>

#include "api.h"
#include "conf.h"

/* A bulk action's 1000 ids are the largest body. */
#define PCW_BODY_MAX (128 * 1024)

/* Pages: their own scripts, styles and the API, nothing else. */
#define PCW_PAGE_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"

typedef struct {
	GString *body;
	gboolean too_big;
} PcwUpload;

static gboolean pcw_tls;

static void
pcw_common_headers(struct MHD_Response *r, const char *type, const char *csp)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (pcw_tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static void
pcw_headers(struct MHD_Response *r, const PcwResponse *out)
{
	pcw_common_headers(r, out->data ? "application/octet-stream" : "application/json",
			   "default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (out->disposition != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, out->disposition);
	if (out->set_cookie != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, out->set_cookie);
}

static enum MHD_Result
pcw_send(struct MHD_Connection *c, guint status, struct MHD_Response *r)
{
	enum MHD_Result rc = MHD_queue_response(c, status, r);

	MHD_destroy_response(r);
	return rc;
}

/* The page application: "/" is index.html; other names are files of
 * static_dir itself (no directories, no dot files). */
static enum MHD_Result
pcw_static(struct MHD_Connection *c, const char *dir, const char *url)
{
	static const struct { const char *suffix, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".png", "image/png" }, { ".ico", "image/x-icon" },
	};
	const char *name = strcmp(url, "/") == 0 ? "index.html" : url + 1;
	const char *type = NULL;
	g_autofree char *path = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;
	struct MHD_Response *r;

	for (guint i = 0; i < G_N_ELEMENTS(types) && strspn(name, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(name) && *name != '.'; i++)
		if (g_str_has_suffix(name, types[i].suffix))
			type = types[i].type;
	path = g_build_filename(dir, name, NULL);
	if (type == NULL || !g_file_get_contents(path, &data, &len, NULL)) {
		static const char missing[] = "not found\n";

		r = MHD_create_response_from_buffer(sizeof(missing) - 1, (void *)missing,
						    MHD_RESPMEM_PERSISTENT);
		pcw_common_headers(r, "text/plain; charset=utf-8", "default-src 'none'");
		return pcw_send(c, 404, r);
	}
	r = MHD_create_response_from_buffer(len, g_steal_pointer(&data), MHD_RESPMEM_MUST_FREE);
	pcw_common_headers(r, type, PCW_PAGE_CSP);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	return pcw_send(c, 200, r);
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

/* A reverse proxy on this machine (the only way to the console from
 * elsewhere without TLS here) says who the client is and how it came:
 * the last X-Forwarded-For address, X-Forwarded-Proto.  From any other
 * peer those headers are the client's own words, and ignored. */
static void
pcw_forwarded(struct MHD_Connection *c, char **client, gboolean *https)
{
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
	const char *last;

	*https = pcw_tls;
	if (!g_str_has_prefix(*client, "127.") && strcmp(*client, "::1") != 0)
		return;
	if (xff != NULL && *(last = strrchr(xff, ',') ? strrchr(xff, ',') + 1 : xff) != '\0') {
		g_free(*client);
		*client = g_strstrip(g_strndup(last, 64));
	}
	*https |= g_strcmp0(proto, "https") == 0;
}

static enum MHD_Result
pcw_answer(struct MHD_Connection *c, PcwApi *api, const char *method, const char *url,
	   const char *body)
{
	PcwResponse out;
	struct MHD_Response *r;
	enum MHD_Result rc;
	g_autoptr(GHashTable) query = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							    g_free);
	g_autofree char *client = pcw_client(c);
	gboolean https;
	PcwRequest req;

	pcw_forwarded(c, &client, &https);
	req = (PcwRequest){
		.method = method, .path = url, .query = query, .client = client, .body = body,
		.https = https,
		.session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, PCW_COOKIE),
		.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token"),
		.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_CONTENT_TYPE),
	};

	if (!g_str_has_prefix(url, "/api/") && strcmp(method, "GET") == 0)
		return pcw_static(c, api->conf->web_static_dir, url);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, pcw_query_arg, query);
	pcw_api_handle(api, &req, g_get_real_time() / G_USEC_PER_SEC, &out);
	if (out.data != NULL)
		r = MHD_create_response_from_buffer(g_bytes_get_size(out.data),
						    (void *)g_bytes_get_data(out.data, NULL),
						    MHD_RESPMEM_MUST_COPY);
	else
		r = MHD_create_response_from_buffer(strlen(out.body), out.body,
						    MHD_RESPMEM_MUST_COPY);
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
		static const char big[] = "{\"error\":\"request too large\"}";
		const PcwResponse out = { .status = 413 };
		struct MHD_Response *r = MHD_create_response_from_buffer(
			sizeof(big) - 1, (void *)big, MHD_RESPMEM_PERSISTENT);

		pcw_headers(r, &out);
		return pcw_send(c, 413, r);
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

/* Loopback only without TLS: the session cookie must not cross a network
 * in clear. */
static gboolean
pcw_listen_address(const char *listen_on, gboolean tls, struct sockaddr_in *sin, GError **error)
{
	g_autoptr(GSocketConnectable) addr = g_network_address_parse(listen_on, 0, error);
	const char *host;

	if (addr == NULL)
		return FALSE;
	host = g_network_address_get_hostname(G_NETWORK_ADDRESS(addr));
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(g_network_address_get_port(G_NETWORK_ADDRESS(addr)));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 || sin->sin_port == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[web] listen: \"%s\" is not an IPv4 address and port", listen_on);
		return FALSE;
	}
	if (!tls && (ntohl(sin->sin_addr.s_addr) >> 24) != 127) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[web] listen: \"%s\" is not a loopback address: set tls_cert and "
			    "tls_key to serve other machines (or put a reverse proxy with TLS in "
			    "front)", listen_on);
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

static const char pcw_usage[] =
	"Usage: portcullis-web [-c FILE] [-o GROUP.KEY=VALUE]...\n"
	"       portcullis-web --help | --version\n"
	"\n"
	"The Portcullis web console: message trace, quarantine, statistics and\n"
	"recipients' links in a browser, over the JSON API it serves under /api/.\n"
	"It reads the same portcullis.conf as the daemon: [web] for itself (listen,\n"
	"tls_cert, tls_key, users_file, static_dir, audit_log, sessions, links),\n"
	"[history] and [quarantine] for what it shows, [spam] for the sender lists,\n"
	"and [milter] control_socket to ask the daemon for its counters and to\n"
	"reload after a list change. Accounts are kept with portcullisctl web-user.\n"
	"\n"
	"Without TLS it serves only a loopback address; put a reverse proxy with TLS\n"
	"in front, or set tls_cert and tls_key. Run it as the daemon's user (the\n"
	"portcullis-web.service unit does): it reads and changes the quarantine.\n"
	"\n"
	"Options:\n"
	"  -c FILE             configuration file (default " PCM_DEFAULT_CONFIG ")\n"
	"  -o GROUP.KEY=VALUE  set a key after the file, e.g. -o web.listen=127.0.0.1:8026\n"
	"  --help              this text\n"
	"  --version           the version\n"
	"\n"
	"Stops on SIGTERM or SIGINT. Exit status: 0 stopped, 1 could not start (why\n"
	"is on standard error). See portcullis-web(8) and portcullis.conf(5).\n";

/* Certificate and key for TLS, read before anything else (the unit may
 * have the key readable by root only and pass it in another way). */
static gboolean
pcw_tls_files(const PcmConfig *conf, char **cert, char **key, GError **error)
{
	if (*conf->web_tls_cert == '\0' && *conf->web_tls_key == '\0')
		return TRUE;
	if (*conf->web_tls_cert == '\0' || *conf->web_tls_key == '\0') {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[web] tls_cert and tls_key go together");
		return FALSE;
	}
	return g_file_get_contents(conf->web_tls_cert, cert, NULL, error) &&
	       g_file_get_contents(conf->web_tls_key, key, NULL, error);
}

static struct MHD_Daemon *
pcw_start(PcwApi *api, struct sockaddr_in *sin, const char *cert, const char *key)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (cert != NULL)
		return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, pcw_request, api,
					MHD_OPTION_SOCK_ADDR, sin,
					MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
					MHD_OPTION_NOTIFY_COMPLETED, pcw_request_done, NULL,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
	return MHD_start_daemon(flags, 0, NULL, NULL, pcw_request, api, MHD_OPTION_SOCK_ADDR, sin,
				MHD_OPTION_NOTIFY_COMPLETED, pcw_request_done, NULL,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)256,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30, MHD_OPTION_END);
}

int
main(int argc, char **argv)
{
	g_autoptr(GPtrArray) overrides = g_ptr_array_new();
	const char *path = PCM_DEFAULT_CONFIG;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_autoptr(PcwSessions) sessions = NULL;
	g_autofree char *cert = NULL;
	g_autofree char *key = NULL;
	struct MHD_Daemon *d;
	struct sockaddr_in sin;
	PcwApi api;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
			path = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
			g_ptr_array_add(overrides, argv[++i]);
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("portcullis-web %s\n", PACKAGE_VERSION);
			return 0;
		} else {
			fputs(pcw_usage, strcmp(argv[i], "--help") == 0 ? stdout : stderr);
			return strcmp(argv[i], "--help") == 0 ? 0 : 1;
		}
	}
	g_ptr_array_add(overrides, NULL);
	conf = pcm_conf_load_with(path, (const char *const *)overrides->pdata, &error);
	sessions = conf ? pcw_sessions_new(conf->web_session_idle, conf->web_session_lifetime)
			: NULL;
	if (conf == NULL || !pcw_tls_files(conf, &cert, &key, &error) ||
	    !pcw_api_init(&api, conf, sessions, cert != NULL, &error) ||
	    !pcw_listen_address(conf->web_listen, cert != NULL, &sin, &error) ||
	    !pc_engine_global_init(NULL, &error)) {
		fprintf(stderr, "portcullis-web: %s\n", error->message);
		return 1;
	}
	pcw_tls = cert != NULL;
	if (!g_file_test(conf->web_users_file, G_FILE_TEST_EXISTS))
		fprintf(stderr, "portcullis-web: no accounts yet (%s is not there): add one with "
			"portcullisctl web-user add; recipients' links work meanwhile\n",
			conf->web_users_file);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, pcw_on_signal);
	signal(SIGINT, pcw_on_signal);
	d = pcw_start(&api, &sin, cert, key);
	if (d == NULL) {
		fprintf(stderr, "portcullis-web: cannot listen on %s%s\n", conf->web_listen,
			pcw_tls ? " with TLS (are tls_cert and tls_key a matching PEM pair?)" : "");
		return 1;
	}
	fprintf(stderr, "portcullis-web: serving on %s://%s\n", pcw_tls ? "https" : "http",
		conf->web_listen);
	while (!pcw_stop)
		pause();
	MHD_stop_daemon(d);
	pcw_api_clear(&api);
	return 0;
}
