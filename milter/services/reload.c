/*
 * NAME
 *	reload.c - the reload thread
 * DESCRIPTION
 *	See reload.h.  Scans in flight hold their own runtime reference, so
 *	installing a new runtime never waits for them; the old engine is
 *	freed by whichever thread drops the last reference.
 */
#include "config.h"

#include <malloc.h>
#include <string.h>

#include "log.h"
#include "notices.h"
#include "reload.h"
#include "runtime.h"
#include "sdnotify.h"
#include "stats.h"

static struct {
	GMutex lock;
	GCond cond;
	gboolean want_database, want_config, want_policy, stop;
	GThread *thread;
	char *conf_path;
	GStrv overrides;
	guint64 requested, done;	/* request tickets, and the last one served */
	GCond served;
	PcmReloadResult last;		/* under lock */
} pcm_reloader;

/* What the reload in progress came to (reload thread only, then kept). */
static void
pcm_reload_record(const char *what, gboolean ok, const char *detail)
{
	g_mutex_lock(&pcm_reloader.lock);
	pcm_reload_result_clear(&pcm_reloader.last);
	pcm_reloader.last.when = g_get_real_time();
	pcm_reloader.last.what = g_strdup(what);
	pcm_reloader.last.ok = ok;
	pcm_stats_reload(ok);
	pcm_reloader.last.detail = g_strdup(detail);
	g_mutex_unlock(&pcm_reloader.lock);
}

void
pcm_reload_result_clear(PcmReloadResult *r)
{
	g_clear_pointer(&r->what, g_free);
	g_clear_pointer(&r->detail, g_free);
}

void
pcm_reload_last(PcmReloadResult *out)
{
	g_mutex_lock(&pcm_reloader.lock);
	*out = pcm_reloader.last;
	out->what = g_strdup(out->what);
	out->detail = g_strdup(out->detail);
	g_mutex_unlock(&pcm_reloader.lock);
}

void
pcm_conf_log_warnings(const PcmConfig *conf)
{
	g_autoptr(GPtrArray) warnings = pcm_conf_warnings(conf);

	for (guint i = 0; i < warnings->len; i++)
		pcm_log(LOG_WARNING, "%s", (const char *)g_ptr_array_index(warnings, i));
}

/* Puts rt (built for conf since start, or NULL: error says why) to use;
 * FALSE (logged, with then, and recorded) when there is none. */
static gboolean
pcm_reload_put(PcmRuntime *rt, PcmConfig *conf, const char *what, const char *then,
	       gint64 start, const GError *error)
{
	const PcEngineInfo *info;
	g_autofree char *detail = NULL;

	if (rt == NULL) {
		pcm_log(LOG_ERR, "%s reload failed, %s: %s", what, then, error->message);
		pcm_reload_record(what, FALSE, error->message);
		return FALSE;
	}
	info = pc_engine_info(rt->engine);
	pcm_log_set_level(conf->log_level);
	pcm_conf_log_warnings(conf);
	pcm_notices_reconfigure(conf);
	pcm_runtime_install(rt);
	detail = g_strdup_printf("%s, database %s, %u signatures (%.0f ms)", info->scanner_version,
				 info->database_version, info->signatures,
				 (g_get_monotonic_time() - start) / 1000.0);
	pcm_log(LOG_NOTICE, "%s reloaded: %s", what, detail);
	pcm_reload_record(what, TRUE, detail);
	return TRUE;
}

/* Builds and installs a runtime for conf (pcm_reload_put). */
static gboolean
pcm_reload_build(PcmConfig *conf, const char *what, const char *then)
{
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	PcmRuntime *rt = pcm_runtime_build(conf, &error);

	return pcm_reload_put(rt, conf, what, then, start, error);
}

/* Installs a stand-in saying why and waits for the messages that still
 * use the old engine, so that it is freed before the next is built. */
static gboolean
pcm_reload_make_room(PcmConfig *conf, const char *why)
{
	g_autoptr(GError) error = NULL;
	PcmRuntime *standin = pcm_runtime_build_standin(conf, why, &error);
	gint64 start = g_get_monotonic_time();
	guint left;

	if (standin == NULL) {
		pcm_log(LOG_ERR, "reload_memory = sequential: %s; reloading beside the old engine",
			error->message);
		return FALSE;
	}
	pcm_runtime_install(standin);
	left = pcm_runtime_wait_alone(start + conf->scan_timeout * G_TIME_SPAN_SECOND);
	if (left > 0)
		pcm_log(LOG_WARNING, "reload_memory = sequential: %u older engine(s) still in use "
			"after %us (scan_timeout); building the new one beside them", left,
			conf->scan_timeout);
	malloc_trim(0);		/* give the old engine's pages back before the peak */
	pcm_log(LOG_INFO, "reload_memory = sequential: old engine freed in %.0f ms; messages "
		"get on_error's answer until the new one is built",
		(g_get_monotonic_time() - start) / 1000.0);
	return TRUE;
}

/* concurrent: build beside the running engine, keep it on failure.
 * sequential: free it first; on failure rebuild the previous
 * configuration, and if that fails too the stand-in stays (mail is
 * tempfailed) and, as it reports its database changed, the next database
 * check tries again. */
static void
pcm_reload_install(PcmConfig *conf, PcmConfig *previous, const char *what)
{
	g_autofree char *failed = NULL;
	PcmReloadResult first = { 0 };
	PcmRuntime *standin;

	if (conf->reload_memory != PCM_RELOAD_SEQUENTIAL ||
	    !pcm_reload_make_room(conf, "signature database reloading (reload_memory = sequential)")) {
		pcm_reload_build(conf, what, "keeping the current one");
		return;
	}
	if (pcm_reload_build(conf, what, previous ? "rebuilding the previous configuration"
						  : "the old engine is gone"))
		return;
	pcm_reload_last(&first);
	if (previous != NULL && pcm_reload_build(previous, "previous configuration",
						 "the old engine is gone")) {
		failed = g_strdup_printf("%s; the previous configuration was rebuilt", first.detail);
		pcm_reload_record(what, FALSE, failed);
		pcm_reload_result_clear(&first);
		return;
	}
	failed = g_strdup_printf("signature database reload failed (%s); tempfailing mail and "
				 "trying again every db_check_interval (%us)", first.detail,
				 conf->db_check_interval);
	pcm_log(LOG_ERR, "%s", failed);
	standin = pcm_runtime_build_standin(conf, failed, NULL);
	if (standin != NULL)		/* else the first stand-in stays */
		pcm_runtime_install(standin);
	pcm_reload_record(what, FALSE, failed);
	pcm_reload_result_clear(&first);
}

/* The configuration file again; NULL (logged and recorded) when refused. */
static PcmConfig *
pcm_reload_read_conf(const char *what)
{
	g_autoptr(GError) error = NULL;
	PcmConfig *conf = pcm_conf_load_with(pcm_reloader.conf_path,
					     (const char *const *)pcm_reloader.overrides, &error);

	if (conf == NULL) {
		pcm_log(LOG_ERR, "%s reload refused, keeping the current one: %s", what,
			error->message);
		pcm_reload_record(what, FALSE, error->message);
	}
	return conf;
}

static void
pcm_reload_config(void)
{
	g_autoptr(PcmConfig) conf = pcm_reload_read_conf("configuration");
	PcmRuntime *old = pcm_runtime_current();
	g_autoptr(PcmConfig) previous = pcm_conf_ref(old->conf);

	/* The reload thread holds no runtime while it reloads: a sequential
	 * reload waits until the old one is freed. */
	pcm_runtime_unref(old);
	if (conf == NULL)
		return;
	if (strcmp(conf->socket, previous->socket) != 0 || strcmp(conf->user, previous->user) != 0)
		pcm_log(LOG_WARNING, "socket and user changes take effect only after a restart");
	pcm_reload_install(conf, previous, "configuration");
}

/* The configuration again with the running engine, when its settings are
 * the same: policy, groups, lists and templates change without loading
 * signatures or rules again (and without a second engine in memory). */
static void
pcm_reload_policy(void)
{
	g_autoptr(PcmConfig) conf = pcm_reload_read_conf("policy");
	g_autoptr(PcmRuntime) old = pcm_runtime_current();
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();
	PcmRuntime *rt;

	if (conf == NULL)
		return;
	if (!pcm_runtime_same_engine(old->conf, conf)) {
		g_autoptr(PcmConfig) previous = pcm_conf_ref(old->conf);

		pcm_log(LOG_NOTICE, "policy reload: the engine's settings changed too; reloading "
			"the whole configuration");
		g_clear_pointer(&old, pcm_runtime_unref);
		pcm_reload_install(conf, previous, "configuration");
		return;
	}
	rt = pcm_runtime_build_keeping(conf, old, &error);
	pcm_reload_put(rt, conf, "policy", "keeping the current one", start, error);
}

static void
pcm_reload_database(void)
{
	PcmRuntime *old = pcm_runtime_current();
	g_autoptr(PcmConfig) conf = pcm_conf_ref(old->conf);

	pcm_runtime_unref(old);
	pcm_reload_install(conf, NULL, "signature database");
}

static gboolean
pcm_reload_database_changed(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();

	return pc_engine_database_changed(rt->engine);
}

/* Waits for a request or the next database check; called with the lock held. */
static void
pcm_reload_wait(void)
{
	g_autoptr(PcmRuntime) rt = pcm_runtime_current();
	guint interval = rt->conf->db_check_interval;

	if (interval == 0) {
		g_cond_wait(&pcm_reloader.cond, &pcm_reloader.lock);
		return;
	}
	if (g_cond_wait_until(&pcm_reloader.cond, &pcm_reloader.lock,
			      g_get_monotonic_time() + interval * G_TIME_SPAN_SECOND))
		return;
	g_mutex_unlock(&pcm_reloader.lock);
	if (pcm_reload_database_changed()) {
		pcm_log(LOG_NOTICE, "signature database changed, reloading");
		pcm_reloader_request(PCM_RELOAD_DATABASE);
	}
	g_mutex_lock(&pcm_reloader.lock);
}

static gpointer
pcm_reload_thread(gpointer data)
{
	(void)data;
	g_mutex_lock(&pcm_reloader.lock);
	while (!pcm_reloader.stop) {
		gboolean database = pcm_reloader.want_database;
		gboolean policy = pcm_reloader.want_policy;
		/* the whole configuration serves both of the others */
		gboolean config = pcm_reloader.want_config || (database && policy);

		if (!config && !database && !policy) {
			pcm_reload_wait();
			continue;
		}
		guint64 serving = pcm_reloader.requested;

		pcm_reloader.want_config = pcm_reloader.want_database = FALSE;
		pcm_reloader.want_policy = FALSE;
		g_mutex_unlock(&pcm_reloader.lock);
		pcm_notify_status("RELOADING=1");
		if (config)
			pcm_reload_config();
		else if (database)
			pcm_reload_database();
		else
			pcm_reload_policy();
		pcm_notify_status("READY=1");
		g_mutex_lock(&pcm_reloader.lock);
		pcm_reloader.done = MAX(pcm_reloader.done, serving);
		g_cond_broadcast(&pcm_reloader.served);
	}
	g_mutex_unlock(&pcm_reloader.lock);
	return NULL;
}

void
pcm_reloader_start(const char *conf_path, const char *const *overrides)
{
	pcm_reloader.conf_path = g_strdup(conf_path);
	pcm_reloader.overrides = g_strdupv((char **)overrides);
	pcm_reloader.thread = g_thread_new("reload", pcm_reload_thread, NULL);
}

guint64
pcm_reloader_request(PcmReloadKind kind)
{
	guint64 ticket;

	g_mutex_lock(&pcm_reloader.lock);
	if (kind == PCM_RELOAD_CONFIG)
		pcm_reloader.want_config = TRUE;
	else if (kind == PCM_RELOAD_POLICY)
		pcm_reloader.want_policy = TRUE;
	else
		pcm_reloader.want_database = TRUE;
	ticket = ++pcm_reloader.requested;
	g_cond_signal(&pcm_reloader.cond);
	g_mutex_unlock(&pcm_reloader.lock);
	return ticket;
}

gboolean
pcm_reloader_wait(guint64 ticket, gint64 deadline, PcmReloadResult *out)
{
	gboolean served = TRUE;

	g_mutex_lock(&pcm_reloader.lock);
	while (pcm_reloader.done < ticket && served)
		served = g_cond_wait_until(&pcm_reloader.served, &pcm_reloader.lock, deadline);
	served = pcm_reloader.done >= ticket;
	g_mutex_unlock(&pcm_reloader.lock);
	if (served)
		pcm_reload_last(out);
	return served;
}

void
pcm_reloader_stop(void)
{
	if (pcm_reloader.thread == NULL)
		return;
	g_mutex_lock(&pcm_reloader.lock);
	pcm_reloader.stop = TRUE;
	g_cond_signal(&pcm_reloader.cond);
	g_mutex_unlock(&pcm_reloader.lock);
	g_thread_join(g_steal_pointer(&pcm_reloader.thread));
	g_clear_pointer(&pcm_reloader.conf_path, g_free);
	g_clear_pointer(&pcm_reloader.overrides, g_strfreev);
}
