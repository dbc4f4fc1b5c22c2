/*
 * NAME
 *	runtime.c - build, share and swap configuration + engine snapshots
 */
#include "config.h"

#include "runtime.h"

static GMutex pcm_runtime_lock;
static PcmRuntime *pcm_runtime_installed;
static guint pcm_runtime_generation;

void
pcm_runtime_engine_options(const PcmConfig *conf, PcEngineOptions *options)
{
	options->database_dir = conf->database_dir;
	options->tmp_dir = *conf->scan_tmp_dir ? conf->scan_tmp_dir : conf->spool_dir;
	options->max_scan_size = conf->max_scan_size;
	options->max_file_size = conf->max_file_size;
	options->max_recursion = conf->max_archive_depth;
	options->max_mime_depth = conf->max_mime_depth;
	options->memory_max = conf->part_memory_max;
	options->max_files = conf->max_files;
	options->max_scan_time_ms = conf->max_scan_time * 1000;
}

static void
pcm_runtime_clear(gpointer data)
{
	PcmRuntime *rt = data;

	pc_engine_unref(rt->engine);
	pcm_conf_unref(rt->conf);
	g_free(rt->scanned_header);
}

PcmRuntime *
pcm_runtime_build(PcmConfig *conf, GError **error)
{
	PcEngineOptions options;
	PcEngine *engine;
	PcmRuntime *rt;
	const PcEngineInfo *info;

	pcm_runtime_engine_options(conf, &options);
	engine = pc_engine_new(&options, error);
	if (engine == NULL)
		return NULL;
	info = pc_engine_info(engine);
	rt = g_atomic_rc_box_new0(PcmRuntime);
	rt->conf = pcm_conf_ref(conf);
	rt->engine = engine;
	rt->scanned_header = g_strdup_printf("%s %s (%s; database %s; %u signatures) at %s",
					     PACKAGE_NAME, PACKAGE_VERSION,
					     info->scanner_version, info->database_version,
					     info->signatures, g_get_host_name());
	return rt;
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
	g_mutex_lock(&pcm_runtime_lock);
	g_clear_pointer(&pcm_runtime_installed, pcm_runtime_unref);
	g_mutex_unlock(&pcm_runtime_lock);
}
