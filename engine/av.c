/*
 * NAME
 *	av.c - virus scanning with libclamav, in process
 * DESCRIPTION
 *	create() loads every signature file in database_dir with the standard
 *	database options, applies the scan limits and compiles the engine
 *	once; the compiled engine is read-only afterwards and libclamav allows
 *	any number of threads to scan with it at once.  A message is scanned
 *	as one object with mail and archive parsing on, straight from the
 *	caller's memory (through an fmap, no copy) or from its spool fd.
 * LIMITS
 *	Exceeding a limit is never reported as clean: heuristic limit alerts
 *	are enabled, and both those alerts and CL_ETIMEOUT/CL_EMAX* become
 *	error findings with detail "limit:<what>".  A real detection still
 *	wins over a limit alert because heuristic precedence stays off.
 * DIAGNOSTICS
 *	Errors come back as PC_ENGINE_ERROR GErrors naming the directory and
 *	the libclamav reason.  Library log lines go to the handler set with
 *	pc_engine_set_log_handler(); nothing is written here.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <clamav.h>
#include <glib/gstdio.h>

#include "check.h"

#define PC_AV_LIMIT_PREFIX "Heuristics.Limits.Exceeded"

typedef struct {
	struct cl_engine *engine;
	struct cl_stat dbstat;
	struct cl_scan_options scan_options;
	guint signatures;
	char *database_version;
} PcAv;

static PcEngineLogFunc pc_av_log_handler;

static void
pc_av_library_message(enum cl_msg severity, const char *fullmsg, const char *msg,
		      void *context)
{
	GLogLevelFlags level = severity >= CL_MSG_ERROR ? G_LOG_LEVEL_CRITICAL :
			       severity >= CL_MSG_WARN ? G_LOG_LEVEL_WARNING :
			       G_LOG_LEVEL_DEBUG;
	g_autofree char *line = g_strchomp(g_strdup(msg));

	(void)fullmsg;
	(void)context;
	if (pc_av_log_handler != NULL)
		pc_av_log_handler(level, line);
}

gboolean
pc_av_global_init(PcEngineLogFunc handler, GError **error)
{
	cl_error_t rc;

	pc_av_log_handler = handler;
	cl_set_clcb_msg(pc_av_library_message);
	rc = cl_init(CL_INIT_DEFAULT);

	if (rc != CL_SUCCESS) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
			    "libclamav initialisation failed: %s", cl_strerror(rc));
		return FALSE;
	}
	return TRUE;
}

/* daily.c[lv]d carries the version people compare against "sigtool --info". */
static char *
pc_av_database_version(const char *dir)
{
	static const char *const names[] = { "daily.cld", "daily.cvd", "main.cld", "main.cvd" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *path = g_build_filename(dir, names[i], NULL);
		struct cl_cvd *cvd = g_file_test(path, G_FILE_TEST_EXISTS) ? cl_cvdhead(path) : NULL;

		if (cvd != NULL) {
			char *version = g_strdup_printf("%u", cvd->version);

			cl_cvdfree(cvd);
			return version;
		}
	}
	return g_strdup("custom");
}

static gboolean
pc_av_set_limits(struct cl_engine *engine, const PcEngineOptions *options, GError **error)
{
	const struct {
		enum cl_engine_field field;
		long long value;
	} limits[] = {
		{ CL_ENGINE_MAX_SCANSIZE, (long long)options->max_scan_size },
		{ CL_ENGINE_MAX_FILESIZE, (long long)options->max_file_size },
		{ CL_ENGINE_MAX_RECURSION, options->max_recursion },
		{ CL_ENGINE_MAX_FILES, options->max_files },
		{ CL_ENGINE_MAX_SCANTIME, options->max_scan_time_ms },
	};

	for (guint i = 0; i < G_N_ELEMENTS(limits); i++) {
		cl_error_t rc = cl_engine_set_num(engine, limits[i].field, limits[i].value);

		if (rc != CL_SUCCESS) {
			g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
				    "cannot set scan limit %u: %s", i, cl_strerror(rc));
			return FALSE;
		}
	}
	if (options->tmp_dir != NULL &&
	    cl_engine_set_str(engine, CL_ENGINE_TMPDIR, options->tmp_dir) != CL_SUCCESS) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
			    "cannot set temporary directory %s", options->tmp_dir);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pc_av_load(PcAv *av, const PcEngineOptions *options, GError **error)
{
	const char *dir = options->database_dir;
	unsigned int signo = 0;
	cl_error_t rc;

	if (g_access(dir, R_OK | X_OK) != 0) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_NO_DATABASE,
			    "database_dir %s: %s; run freshclam, or point database_dir "
			    "at a directory of ClamAV signature files", dir, g_strerror(errno));
		return FALSE;
	}
	rc = cl_load(dir, av->engine, &signo, CL_DB_STDOPT);
	if (rc == CL_SUCCESS && signo == 0)
		rc = CL_EMALFDB;
	if (rc != CL_SUCCESS) {
		g_set_error(error, PC_ENGINE_ERROR,
			    signo == 0 ? PC_ENGINE_ERROR_NO_DATABASE : PC_ENGINE_ERROR_DATABASE,
			    "database_dir %s: no usable signatures (%s); run freshclam, or "
			    "point database_dir at a directory of ClamAV signature files",
			    dir, cl_strerror(rc));
		return FALSE;
	}
	rc = cl_engine_compile(av->engine);
	if (rc != CL_SUCCESS) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_DATABASE,
			    "database_dir %s: compiling signatures failed: %s",
			    dir, cl_strerror(rc));
		return FALSE;
	}
	av->signatures = signo;
	return TRUE;
}

static void
pc_av_destroy(gpointer state)
{
	PcAv *av = state;

	if (av == NULL)
		return;
	if (av->engine != NULL)
		cl_engine_free(av->engine);
	if (av->dbstat.dir != NULL)
		cl_statfree(&av->dbstat);
	g_free(av->database_version);
	g_free(av);
}

/* Per-scan context: in 1.4 the name of a deferred heuristic alert reaches
 * only the virus-found callback, not the virname out-parameter. */
typedef struct {
	char *name;
} PcAvScan;

static void
pc_av_virus_found(int fd, const char *virname, void *context)
{
	PcAvScan *scan = context;

	(void)fd;
	if (scan != NULL && scan->name == NULL && virname != NULL)
		scan->name = g_strdup(virname);
}

static gpointer
pc_av_create(const PcEngineOptions *options, GError **error)
{
	PcAv *av = g_new0(PcAv, 1);

	av->engine = cl_engine_new();
	if (av->engine == NULL) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
			    "cannot create a libclamav engine (out of memory?)");
		pc_av_destroy(av);
		return NULL;
	}
	if (!pc_av_set_limits(av->engine, options, error) ||
	    !pc_av_load(av, options, error)) {
		pc_av_destroy(av);
		return NULL;
	}
	cl_engine_set_clcb_virus_found(av->engine, pc_av_virus_found);
	/* Snapshot the directory after loading, so a change during load is seen. */
	cl_statinidir(options->database_dir, &av->dbstat);
	av->database_version = pc_av_database_version(options->database_dir);
	av->scan_options.general = CL_SCAN_GENERAL_HEURISTICS;
	av->scan_options.parse = ~0u;
	av->scan_options.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX;
	return av;
}

static void
pc_av_add_limit(PcVerdict *verdict, const char *what)
{
	g_autofree char *detail = g_strdup_printf("limit:%s", what);

	pc_verdict_add(verdict, "av", PC_STATUS_ERROR, NULL, NULL, detail);
}

static gboolean
pc_av_record(cl_error_t rc, const char *virname, PcVerdict *verdict, GError **error)
{
	switch (rc) {
	case CL_CLEAN:
		return TRUE;
	case CL_VIRUS:
		if (virname == NULL)
			virname = "Unknown.Detection";
		if (g_str_has_prefix(virname, PC_AV_LIMIT_PREFIX))
			pc_av_add_limit(verdict, virname + strlen(PC_AV_LIMIT_PREFIX "."));
		else
			pc_verdict_add(verdict, "av", PC_STATUS_INFECTED, NULL, virname, NULL);
		return TRUE;
	case CL_ETIMEOUT:
		pc_av_add_limit(verdict, "MaxScanTime");
		return TRUE;
	case CL_EMAXREC:
	case CL_EMAXSIZE:
	case CL_EMAXFILES:
		pc_av_add_limit(verdict, cl_strerror(rc));
		return TRUE;
	default:
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
			    "libclamav: %s", cl_strerror(rc));
		return FALSE;
	}
}

static gboolean
pc_av_scan(gpointer state, const PcInput *input, PcVerdict *verdict, GError **error)
{
	PcAv *av = state;
	struct cl_scan_options options = av->scan_options;
	const char *virname = NULL;
	unsigned long scanned = 0;
	PcAvScan scan = { NULL };
	gboolean ok;
	cl_error_t rc;

	if (input->data != NULL) {
		cl_fmap_t *map;

		if (input->len == 0)
			return TRUE;
		map = cl_fmap_open_memory(input->data, input->len);
		if (map == NULL) {
			g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
				    "libclamav: cannot map message buffer");
			return FALSE;
		}
		rc = cl_scanmap_callback(map, NULL, &virname, &scanned, av->engine,
					 &options, &scan);
		cl_fmap_close(map);
	} else {
		rc = cl_scandesc_callback(input->fd, NULL, &virname, &scanned,
					  av->engine, &options, &scan);
	}
	ok = pc_av_record(rc, virname ? virname : scan.name, verdict, error);
	g_free(scan.name);
	return ok;
}

void
pc_av_fill_info(gpointer state, PcEngineInfo *info)
{
	PcAv *av = state;

	info->scanner_version = g_strdup_printf("ClamAV %s", cl_retver());
	info->database_version = g_strdup(av->database_version);
	info->signatures = av->signatures;
}

gboolean
pc_av_database_changed(gpointer state)
{
	PcAv *av = state;

	return av->dbstat.dir != NULL && cl_statchkdir(&av->dbstat) == 1;
}

const PcCheck pc_check_av = {
	.name = "av",
	.create = pc_av_create,
	.scan = pc_av_scan,
	.destroy = pc_av_destroy,
};
