/*
 * NAME
 *	runtime.c - build, share and swap configuration + engine snapshots
 */
#include "config.h"

#include <string.h>

#include <errno.h>
#include <unistd.h>

#include "groups.h"
#include "log.h"
#include "release.h"
#include "runtime.h"

static GMutex pcm_runtime_lock;
static PcmRuntime *pcm_runtime_installed;
static guint pcm_runtime_generation;
/* Runtimes alive (installed or held by a message), for a sequential
 * reload's wait; a lock of its own, as the last unref may come from any
 * thread, the installer's included. */
static GMutex pcm_runtime_live_lock;
static guint pcm_runtime_live;
static GCond pcm_runtime_freed;

void
pcm_runtime_engine_options(const PcmConfig *conf, PcEngineOptions *options)
{
	options->database_dir = conf->database_dir;
	options->tmp_dir = conf->scan_tmp_dir;
	options->max_scan_size = conf->max_scan_size;
	options->max_file_size = conf->max_file_size;
	options->max_recursion = conf->max_archive_depth;
	options->max_mime_depth = conf->max_mime_depth;
	options->max_parts = conf->max_parts;
	options->scan_timeout_ms = conf->scan_timeout * 1000;
	options->memory_max = conf->part_memory_max;
	options->max_files = conf->max_files;
	options->max_scan_time_ms = conf->max_scan_time * 1000;
	/* the daemon starts before freshclam's first download (--scan does not) */
	options->av_wait_for_database = TRUE;
	options->spam_rules_dir = conf->spam_rules_dir;
	options->sa_rules_dir = conf->sa_rules_dir;
	options->spam_scores_file = conf->spam_scores_file;
	options->trusted_networks = conf->trusted_networks;
	options->dns_lists = conf->dns_lists;
	options->dns_servers = conf->dns_servers;
	options->dns_budget_ms = conf->dns_budget_ms;
	options->auth = conf->auth;
	options->auth_receiver = pcm_conf_authserv_id(conf);
	options->bayes_dir = conf->bayes_dir;
	options->bayes_min_learned = conf->bayes_min_learned;
	options->ngram = conf->ngram;
	options->no_prefilter = !conf->spam_prefilter;
}

static void
pcm_runtime_clear(gpointer data)
{
	PcmRuntime *rt = data;

	pc_engine_unref(rt->engine);
	pcm_conf_unref(rt->conf);
	g_free(rt->scanned_header);
	g_clear_pointer(&rt->templates, pcn_templates_free);
	g_clear_pointer(&rt->release_key, g_bytes_unref);
	g_free(rt->release_key_error);
	g_mutex_lock(&pcm_runtime_live_lock);
	pcm_runtime_live--;
	g_cond_broadcast(&pcm_runtime_freed);
	g_mutex_unlock(&pcm_runtime_live_lock);
}

static gboolean
pcm_runtime_check_language(const PcnTemplates *templates, const char *language,
			   const char *where, GError **error)
{
	if (pcn_templates_has_language(templates, language))
		return TRUE;
	g_set_error(error, PCM_CONF_ERROR, 0, "%s notify_language: no notification templates "
		    "for \"%s\" (templates_dir/%s/)", where, language, language);
	return FALSE;
}

/* Every policy's language must have templates: found now, not when the
 * first virus arrives. */
static PcnTemplates *
pcm_runtime_templates(const PcmConfig *conf, GError **error)
{
	PcnTemplates *templates = pcn_templates_load(*conf->templates_dir ? conf->templates_dir
									 : NULL, error);

	if (templates == NULL)
		return NULL;
	if (!pcm_runtime_check_language(templates, conf->policy.notify_language, "[notify]",
					error))
		goto fail;
	for (guint i = 0; conf->groups != NULL && i < conf->groups->len; i++) {
		const PcGroup *group = g_ptr_array_index(conf->groups, i);
		g_autofree char *where = g_strdup_printf("%s:%u: [group:%s]", group->file,
							 group->line, group->name);

		if (!pcm_runtime_check_language(templates, group->policy.notify_language, where,
						error))
			goto fail;
	}
	return templates;
fail:
	pcn_templates_free(templates);
	return NULL;
}

/* The key as last read, kept for the daemon's lifetime: a reload after
 * the privilege drop may not be able to read the file any more, and
 * marks must keep working all the same. */
static struct {
	GMutex lock;
	GBytes *key;
	char *path;
	gboolean owner_set;
	uid_t uid;
	gid_t gid;
	gboolean no_create;
} pcm_runtime_key;

void
pcm_runtime_key_no_create(void)
{
	pcm_runtime_key.no_create = TRUE;
}

void
pcm_runtime_set_key_owner(uid_t uid, gid_t gid)
{
	pcm_runtime_key.owner_set = TRUE;
	pcm_runtime_key.uid = uid;
	pcm_runtime_key.gid = gid;
}

/* Made by a daemon started as root: it belongs to the user it runs as,
 * or portcullisctl and the next start under -u could not read it. */
static gboolean
pcm_runtime_key_chown(const char *path, GError **error)
{
	if (!pcm_runtime_key.owner_set || chown(path, pcm_runtime_key.uid, pcm_runtime_key.gid) == 0)
		return TRUE;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "cannot give %s to the run user: %s", path, g_strerror(errno));
	return FALSE;
}

static GBytes *
pcm_runtime_key_read(const char *path, GError **error)
{
	gboolean existed = g_file_test(path, G_FILE_TEST_EXISTS);
	g_autoptr(GBytes) key = pcq_release_key_load(path, !pcm_runtime_key.no_create, error);

	if (key == NULL || (!existed && !pcm_runtime_key_chown(path, error)))
		return NULL;
	return g_steal_pointer(&key);
}

static void
pcm_runtime_release_key(PcmRuntime *rt)
{
	const char *path = rt->conf->release_key_file;
	g_autoptr(GError) error = NULL;
	GBytes *key;

	g_mutex_lock(&pcm_runtime_key.lock);
	if (pcm_runtime_key.key != NULL && g_strcmp0(pcm_runtime_key.path, path) == 0) {
		rt->release_key = g_bytes_ref(pcm_runtime_key.key);
		g_mutex_unlock(&pcm_runtime_key.lock);
		return;
	}
	key = pcm_runtime_key_read(path, &error);
	if (key != NULL) {
		g_clear_pointer(&pcm_runtime_key.key, g_bytes_unref);
		g_free(pcm_runtime_key.path);
		pcm_runtime_key.key = key;
		pcm_runtime_key.path = g_strdup(path);
	} else if (pcm_runtime_key.key != NULL) {
		pcm_log(LOG_ERR, "release key: %s; keeping the key read from %s", error->message,
			pcm_runtime_key.path);
	} else {
		rt->release_key_error = g_strdup(error->message);
	}
	if (pcm_runtime_key.key != NULL)
		rt->release_key = g_bytes_ref(pcm_runtime_key.key);
	g_mutex_unlock(&pcm_runtime_key.lock);
}

static PcmRuntime *
pcm_runtime_new(PcmConfig *conf, PcEngine *engine, PcnTemplates *templates)
{
	const PcEngineInfo *info = pc_engine_info(engine);
	PcmRuntime *rt = g_atomic_rc_box_new0(PcmRuntime);

	rt->conf = pcm_conf_ref(conf);
	rt->engine = engine;
	rt->templates = templates;
	pcm_runtime_release_key(rt);
	rt->scanned_header = g_strdup_printf("%s %s (%s; database %s; %u signatures) at %s",
					     PACKAGE_NAME, PACKAGE_VERSION,
					     info->scanner_version, info->database_version,
					     info->signatures, g_get_host_name());
	g_mutex_lock(&pcm_runtime_live_lock);
	pcm_runtime_live++;
	g_mutex_unlock(&pcm_runtime_live_lock);
	return rt;
}

PcmRuntime *
pcm_runtime_build(PcmConfig *conf, GError **error)
{
	PcEngineOptions options;
	PcnTemplates *templates;
	PcEngine *engine;

	templates = pcm_runtime_templates(conf, error);
	if (templates == NULL)
		return NULL;
	pcm_runtime_engine_options(conf, &options);
	engine = pc_engine_new(&options, error);
	if (engine == NULL) {
		pcn_templates_free(templates);
		return NULL;
	}
	return pcm_runtime_new(conf, engine, templates);
}

PcmRuntime *
pcm_runtime_build_keeping(PcmConfig *conf, const PcmRuntime *old, GError **error)
{
	PcnTemplates *templates = pcm_runtime_templates(conf, error);

	if (templates == NULL)
		return NULL;
	return pcm_runtime_new(conf, pc_engine_ref(old->engine), templates);
}

gboolean
pcm_runtime_same_engine(const PcmConfig *a, const PcmConfig *b)
{
	PcEngineOptions x, y;

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	pcm_runtime_engine_options(a, &x);
	pcm_runtime_engine_options(b, &y);
	return g_strcmp0(x.database_dir, y.database_dir) == 0 &&
	       g_strcmp0(x.tmp_dir, y.tmp_dir) == 0 && x.max_scan_size == y.max_scan_size &&
	       x.max_file_size == y.max_file_size && x.max_recursion == y.max_recursion &&
	       x.max_files == y.max_files && x.max_scan_time_ms == y.max_scan_time_ms &&
	       x.max_mime_depth == y.max_mime_depth && x.max_parts == y.max_parts &&
	       x.scan_timeout_ms == y.scan_timeout_ms && x.memory_max == y.memory_max &&
	       x.digests == y.digests && x.av_wait_for_database == y.av_wait_for_database &&
	       g_strcmp0(x.spam_rules_dir, y.spam_rules_dir) == 0 &&
	       g_strcmp0(x.sa_rules_dir, y.sa_rules_dir) == 0 &&
	       g_strcmp0(x.spam_scores_file, y.spam_scores_file) == 0 &&
	       g_strcmp0(x.bayes_dir, y.bayes_dir) == 0 &&
	       x.bayes_min_learned == y.bayes_min_learned && x.ngram == y.ngram &&
	       x.no_prefilter == y.no_prefilter && x.dns_lists == y.dns_lists &&
	       g_strcmp0(x.dns_servers, y.dns_servers) == 0 && x.dns_budget_ms == y.dns_budget_ms &&
	       x.auth == y.auth && g_strcmp0(x.auth_receiver, y.auth_receiver) == 0 &&
	       (x.trusted_networks == y.trusted_networks ||
		(x.trusted_networks != NULL && y.trusted_networks != NULL &&
		 g_strv_equal((const char *const *)x.trusted_networks,
			      (const char *const *)y.trusted_networks)));
}

PcmRuntime *
pcm_runtime_build_standin(PcmConfig *conf, const char *why, GError **error)
{
	PcEngineOptions options;
	PcnTemplates *templates = pcm_runtime_templates(conf, error);

	if (templates == NULL)
		return NULL;
	pcm_runtime_engine_options(conf, &options);
	return pcm_runtime_new(conf, pc_engine_new_standin(&options, why), templates);
}

guint
pcm_runtime_wait_alone(gint64 deadline)
{
	guint live;

	g_mutex_lock(&pcm_runtime_live_lock);
	while (pcm_runtime_live > 1 &&
	       g_cond_wait_until(&pcm_runtime_freed, &pcm_runtime_live_lock, deadline))
		;
	live = pcm_runtime_live;
	g_mutex_unlock(&pcm_runtime_live_lock);
	return live - 1;
}

PcmRuntime *
pcm_runtime_ref(PcmRuntime *rt)
{
	return g_atomic_rc_box_acquire(rt);
}

void
pcm_runtime_unref(PcmRuntime *rt)
{
	if (rt != NULL)
		g_atomic_rc_box_release_full(rt, pcm_runtime_clear);
}

PcmRuntime *
pcm_runtime_current(void)
{
	PcmRuntime *rt;

	g_mutex_lock(&pcm_runtime_lock);
	rt = pcm_runtime_installed ? pcm_runtime_ref(pcm_runtime_installed) : NULL;
	g_mutex_unlock(&pcm_runtime_lock);
	return rt;
}

void
pcm_runtime_install(PcmRuntime *rt)
{
	PcmRuntime *old;

	g_mutex_lock(&pcm_runtime_lock);
	old = pcm_runtime_installed;
	rt->generation = ++pcm_runtime_generation;
	pcm_runtime_installed = rt;
	g_mutex_unlock(&pcm_runtime_lock);
	/* Outside the lock: the last unref of an engine with millions of
	 * signatures takes a while, and scans must not queue behind it. */
	pcm_runtime_unref(old);
}

void
pcm_runtime_shutdown(void)
{
	PcmRuntime *rt;

	g_mutex_lock(&pcm_runtime_lock);
	rt = g_steal_pointer(&pcm_runtime_installed);
	g_mutex_unlock(&pcm_runtime_lock);
	pcm_runtime_unref(rt);	/* outside: freeing it takes the lock */
}
