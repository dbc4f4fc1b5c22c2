/*
 * NAME
 *	metrics.c - /metrics and /healthz (metrics.h)
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <microhttpd.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <portcullis/engine.h>

#include "daemon.h"
#include "index.h"
#include "log.h"
#include "notices.h"
#include "metrics.h"
#include "runtime.h"
#include "stats.h"

static struct {
	struct MHD_Daemon *daemon;
	int fd;
	char *path;		/* a unix socket's, to remove */
	gboolean (*healthy)(char **why);
} pcm_metrics = { .fd = -1 };

gint64
pcm_metrics_database_age(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	gint64 newest = 0;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		struct stat st;

		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			newest = MAX(newest, (gint64)st.st_mtime);
	}
	return newest ? g_get_real_time() / G_USEC_PER_SEC - newest : -1;
}

static gint64
pcm_metrics_rss(void)
{
	g_autofree char *statm = NULL;
	long pages = 0, resident = 0;

	if (g_file_get_contents("/proc/self/statm", &statm, NULL, NULL) &&
	    sscanf(statm, "%ld %ld", &pages, &resident) == 2)
		return (gint64)resident * sysconf(_SC_PAGESIZE);
	return 0;
}

static void
pcm_metrics_gauge(GString *out, const char *name, const char *help, const char *labels,
		  gint64 value)
{
	pcm_stats_head(out, name, "gauge", help);
	g_string_append_printf(out, "%s%s %" G_GINT64_FORMAT "\n", name, labels, value);
}

static void
pcm_metrics_engine(GString *out, const PcEngineInfo *info)
{
	g_autofree char *version = g_strdup_printf("{version=\"%s\"}", info->database_version ?
						   info->database_version : "");

	pcm_metrics_gauge(out, "portcullis_database_signatures", "Signatures loaded.", "",
			  info->signatures);
	pcm_metrics_gauge(out, "portcullis_database_age_seconds",
			  "Age of the newest file in database_dir.", "",
			  pcm_metrics_database_age(info->database_dir));
	/* The version is a label: "custom" databases have none to graph. */
	pcm_metrics_gauge(out, "portcullis_database_info", "The signature database loaded.",
			  version, 1);
	pcm_metrics_gauge(out, "portcullis_engine_loaded",
			  "1 when signatures are loaded and mail is scanned.", "",
			  info->database_missing == NULL);
	pcm_metrics_gauge(out, "portcullis_spam_rules", "Spam rules loaded.", "",
			  info->spam_rules);
	pcm_stats_head(out, "portcullis_bayes_learned", "gauge",
		       "Messages in the Bayes store by class, as of the last (re)load.");
	g_string_append_printf(out, "portcullis_bayes_learned{class=\"spam\"} %" G_GUINT64_FORMAT
			       "\nportcullis_bayes_learned{class=\"ham\"} %" G_GUINT64_FORMAT "\n",
			       info->bayes_spam, info->bayes_ham);
}

/* Read from the index at each scrape: a count kept in memory would miss
 * portcullisctl's releases and deletions and the housekeeping's purges. */
static void
pcm_metrics_quarantine(GString *out, const PcmConfig *conf)
{
	guint64 entries = 0, bytes = 0;
	g_autoptr(GError) error = NULL;

	if (conf->quarantine_store != PCM_QUARANTINE_DIRECTORY || *conf->quarantine_dir == '\0')
		return;
	if (!pcq_index_totals(conf->quarantine_dir, &entries, &bytes, &error)) {
		pcm_log(LOG_WARNING, "metrics: %s", error->message);
		return;
	}
	pcm_metrics_gauge(out, "portcullis_quarantine_entries", "Messages in the quarantine.", "",
			  (gint64)entries);
	pcm_metrics_gauge(out, "portcullis_quarantine_bytes", "Size of the quarantined messages.",
			  "", (gint64)bytes);
}

static void
pcm_metrics_notices(GString *out)
{
	PcnWorkerCounts c;

	if (!pcm_notices_counts(&c))
		return;
	pcm_metrics_gauge(out, "portcullis_notifications_queued",
			  "Notifications waiting in queue_dir.", "", c.queued);
	pcm_stats_head(out, "portcullis_notifications_total", "counter",
		       "Notification attempts by result (given_up: moved to failed/).");
	g_string_append_printf(out, "portcullis_notifications_total{result=\"sent\"} %" G_GUINT64_FORMAT
			       "\nportcullis_notifications_total{result=\"deferred\"} %" G_GUINT64_FORMAT
			       "\nportcullis_notifications_total{result=\"given_up\"} %" G_GUINT64_FORMAT
			       "\n", c.sent, c.deferred, c.given_up);
}

static char *
pcm_metrics_text(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	GString *out = g_string_new(NULL);
	g_autofree char *version = g_strdup_printf("{version=\"%s\"}", PACKAGE_VERSION);

	pcm_stats_prometheus(out);
	pcm_metrics_engine(out, pc_engine_info(rt->engine));
	pcm_metrics_quarantine(out, rt->conf);
	pcm_metrics_notices(out);
	pcm_metrics_gauge(out, "portcullis_process_resident_memory_bytes",
			  "Resident memory of the daemon.", "", pcm_metrics_rss());
	pcm_metrics_gauge(out, "portcullis_build_info", "The version running.", version, 1);
	return g_string_free(out, FALSE);
}

static enum MHD_Result
pcm_metrics_reply(struct MHD_Connection *connection, unsigned int code, char *text,
		  const char *type)
{
	struct MHD_Response *response = MHD_create_response_from_buffer(
		strlen(text), text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(connection, code, response);
	MHD_destroy_response(response);
	return rc;
}

static enum MHD_Result
pcm_metrics_request(void *cls, struct MHD_Connection *connection, const char *url,
		    const char *method, const char *version, const char *upload_data,
		    size_t *upload_data_size, void **state)
{
	char *why = NULL;

	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return pcm_metrics_reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
					 g_strdup("GET only\n"), "text/plain");
	if (strcmp(url, "/metrics") == 0)
		return pcm_metrics_reply(connection, MHD_HTTP_OK, pcm_metrics_text(),
					 "text/plain; version=0.0.4; charset=utf-8");
	if (strcmp(url, "/healthz") == 0) {
		if (pcm_metrics.healthy(&why))
			return pcm_metrics_reply(connection, MHD_HTTP_OK, g_strdup("ok\n"),
						 "text/plain");
		return pcm_metrics_reply(connection, MHD_HTTP_SERVICE_UNAVAILABLE,
					 g_strconcat(why ? why : "not ready", "\n", NULL),
					 "text/plain");
	}
	return pcm_metrics_reply(connection, MHD_HTTP_NOT_FOUND,
				 g_strdup("/metrics and /healthz only\n"), "text/plain");
}

static int
pcm_metrics_bound(int fd, const struct sockaddr *sa, socklen_t len, const char *listen_on,
		  GError **error)
{
	if (fd >= 0 && bind(fd, sa, len) == 0 && listen(fd, 16) == 0)
		return fd;
	g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "[metrics] listen %s: %s",
		    listen_on, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
pcm_metrics_listen_unix(const char *path, GError **error)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(un.sun_path)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[metrics] listen: %s is too long for a socket path", path);
		return -1;
	}
	memcpy(un.sun_path, path, strlen(path) + 1);
	pcm_daemon_unlink_dead_socket(path);
	return pcm_metrics_bound(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
				 (struct sockaddr *)&un, sizeof(un), path, error);
}

/* Loopback only: the counters say what mail a site gets. */
static int
pcm_metrics_listen_inet(const char *listen_on, GError **error)
{
	g_autoptr(GSocketConnectable) addr = g_network_address_parse(listen_on, 0, error);
	g_autoptr(GInetAddress) ia = NULL;
	g_autoptr(GSocketAddress) sa = NULL;
	struct sockaddr_storage ss;
	guint16 port;
	int fd, one = 1;

	if (addr == NULL)
		return -1;
	ia = g_inet_address_new_from_string(
		g_network_address_get_hostname(G_NETWORK_ADDRESS(addr)));
	port = g_network_address_get_port(G_NETWORK_ADDRESS(addr));
	if (ia == NULL || !g_inet_address_get_is_loopback(ia) || port == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "[metrics] listen: \"%s\" is not a loopback address and port "
			    "(or a unix socket path)", listen_on);
		return -1;
	}
	sa = g_inet_socket_address_new(ia, port);
	if (!g_socket_address_to_native(sa, &ss, sizeof(ss), error))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return pcm_metrics_bound(fd, (struct sockaddr *)&ss,
				 (socklen_t)g_socket_address_get_native_size(sa), listen_on, error);
}

gboolean
pcm_metrics_start(const PcmConfig *conf, gboolean (*healthy)(char **why), GError **error)
{
	if (conf->metrics_listen == NULL || *conf->metrics_listen == '\0')
		return TRUE;
	pcm_metrics.fd = conf->metrics_listen[0] == '/'
			 ? pcm_metrics_listen_unix(conf->metrics_listen, error)
			 : pcm_metrics_listen_inet(conf->metrics_listen, error);
	if (pcm_metrics.fd < 0)
		return FALSE;
	if (conf->metrics_listen[0] == '/')
		pcm_metrics.path = g_strdup(conf->metrics_listen);
	pcm_metrics.healthy = healthy;
	pcm_metrics.daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0,
					      NULL, NULL, pcm_metrics_request, NULL,
					      MHD_OPTION_LISTEN_SOCKET, pcm_metrics.fd,
					      MHD_OPTION_CONNECTION_LIMIT, 16u,
					      MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (pcm_metrics.daemon == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "[metrics] listen %s: the HTTP server did not start", conf->metrics_listen);
		close(pcm_metrics.fd);
		pcm_metrics.fd = -1;
		return FALSE;
	}
	return TRUE;
}

void
pcm_metrics_stop(void)
{
	if (pcm_metrics.daemon == NULL)
		return;
	MHD_stop_daemon(pcm_metrics.daemon);
	pcm_metrics.daemon = NULL;
	close(pcm_metrics.fd);
	pcm_metrics.fd = -1;
	if (pcm_metrics.path != NULL)
		unlink(pcm_metrics.path);
	g_clear_pointer(&pcm_metrics.path, g_free);
}
