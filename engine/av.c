/*
 * NAME
 *	av.c - virus scanning with libclamav, in process, part by part
 * DESCRIPTION
 *	create() loads every signature file in database_dir with the standard
 *	database options, applies the scan limits and compiles the engine
 *	once; the compiled engine is read-only afterwards and libclamav allows
 *	any number of threads to scan with it at once.
 *
 *	scan_mode (policy) decides what is scanned:
 *	  parts    each decoded leaf from memory (an fmap on the decoded
 *	           bytes: archives, documents and executables inside are
 *	           still unpacked by libclamav), then the raw message once
 *	           with mail parsing off, so body and mail-target signatures
 *	           still see the message as sent;
 *	  message  the raw message once with libclamav's own mail parser
 *	           (every part written to a file in tmp_dir: the costly path);
 *	  auto     parts, plus message as a second opinion when the parts
 *	           may not be all there is: GMime reported a structural
 *	           defect, a text part carries uuencode/BinHex/yEnc, a part
 *	           is TNEF or message/partial, or an encoding is unknown;
 *	  both     parts and message, always.
 *	A detection that only the whole-message parse makes is recorded on
 *	"message": a disagreement between parsers never lets a virus through.
 *
 *	While libclamav unpacks a part, its file-inspection callback records
 *	the name and type of every file inside (PcObject.inner) for the
 *	attachment filter, so archives are unpacked once.  yEnc files inside
 *	text parts, which neither GMime nor libclamav decodes, are decoded
 *	here (engine/mime/embedded.c), listed and scanned the same way.
 * LIMITS
 *	Exceeding a limit is never reported as clean: heuristic limit alerts
 *	are enabled, and both those alerts and CL_EMAX* make the part
 *	unscannable ("limit:<what>"), which policy handles, and so does a file
 *	inside an archive that libclamav cut at max_file_size without its
 *	alert (seen through the inspection callback); a timeout is an
 *	error (tempfail: a retry under less load may finish).  A real
 *	detection still wins over a heuristic because heuristic precedence
 *	stays off.
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

#include <portcullis/text.h>

#include "check.h"

#define PC_AV_LIMIT_PREFIX "Heuristics.Limits.Exceeded"

typedef struct {
	struct cl_engine *engine;
	struct cl_stat dbstat;
	struct cl_scan_options part_options;	/* also the whole-message scan */
	struct cl_scan_options raw_options;	/* no parsers: the bytes as sent */
	guint signatures;
	char *database_version;
	char *missing;		/* no signatures yet (av_wait_for_database): why */
	char *dir;
} PcAv;

static PcEngineLogFunc pc_av_log_handler;

#define PC_AV_MAX_INNER 1000

/* Per-scan context, passed through libclamav's callbacks.  In 1.4 the name
 * of a deferred heuristic alert reaches only the virus-found callback, not
 * the virname out-parameter. */
typedef struct {
	char *name;
	PcObject *object;	/* part being scanned; NULL for the raw message */
	guint64 max_file_size;
	gboolean truncated;	/* a file inside was cut at max_file_size */
	char *failure;		/* libclamav's first error message of the scan */
} PcAvScan;

/* The scan running on this thread: libclamav scans on the caller's thread,
 * and reports some failures before its context for the scan exists. */
static _Thread_local PcAvScan *pc_av_current;

/* libclamav reports some failures only here: a scratch directory it cannot
 * create, a temp file it cannot write.  It then goes on and may return
 * CL_CLEAN for what it never looked at, so an error during a scan fails
 * that scan, whatever it returns. */
static void
pc_av_library_message(enum cl_msg severity, const char *fullmsg, const char *msg,
		      void *context)
{
	GLogLevelFlags level = severity >= CL_MSG_ERROR ? G_LOG_LEVEL_CRITICAL :
			       severity >= CL_MSG_WARN ? G_LOG_LEVEL_WARNING :
			       G_LOG_LEVEL_DEBUG;
	g_autofree char *line = g_strchomp(g_strdup(msg));
	PcAvScan *scan = pc_av_current;

	(void)fullmsg;
	(void)context;
	if (scan != NULL && severity >= CL_MSG_ERROR && scan->failure == NULL)
		scan->failure = pc_text_name(line);
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
	/* libclamav's clean-file cache is off.  It does not record which
	 * parsers a scan used, so the parser-less raw scan would mark bytes
	 * clean that a full scan must still unpack (the same message attached
	 * to a later one); and a cached archive is not unpacked again, so the
	 * names inside it would not reach the attachment filter the second
	 * time.  Both are tested in tests/unit/engine_test.c. */
	if (cl_engine_set_num(engine, CL_ENGINE_DISABLE_CACHE, 1) != CL_SUCCESS) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
			    "cannot disable the libclamav cache");
		return FALSE;
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
	g_free(av->missing);
	g_free(av->dir);
	g_free(av);
}

static void
pc_av_virus_found(int fd, const char *virname, void *context)
{
	PcAvScan *scan = context;

	(void)fd;
	if (scan != NULL && scan->name == NULL && virname != NULL)
		scan->name = g_strdup(virname);
}

static cl_error_t
pc_av_inspect(int fd, const char *type, const char **ancestors, size_t parent_file_size,
	      const char *file_name, size_t file_size, const char *file_buffer,
	      uint32_t recursion_level, uint32_t layer_attributes, void *context)
{
	PcAvScan *scan = context;
	PcInnerFile *inner;

	(void)fd;
	(void)ancestors;
	(void)parent_file_size;
	(void)file_size;
	(void)file_buffer;
	(void)layer_attributes;
	if (scan == NULL)
		return CL_CLEAN;
	/* libclamav 1.4 cuts a file inside an archive at max_file_size and
	 * scans only that much, without its limit alert: the rest is unseen. */
	if (recursion_level > 0 && scan->max_file_size > 0 && file_size >= scan->max_file_size)
		scan->truncated = TRUE;
	if (scan->object == NULL)
		return CL_CLEAN;
	/* Level 0 is the part itself: its type is free here, and spares
	 * libmagic's costly text tests on ordinary body text. */
	if (recursion_level == 0) {
		if (scan->object->scanner_type == NULL)
			scan->object->scanner_type = g_strdup(type);
		return CL_CLEAN;
	}
	if (scan->object->inner->len >= PC_AV_MAX_INNER)
		return CL_CLEAN;
	inner = g_new0(PcInnerFile, 1);
	/* Layers without a name of their own (a TNEF stream, a decompressed
	 * body) carry libclamav's temp file name: not a name anyone sent. */
	if (file_name != NULL && !g_regex_match_simple("^clamav-[0-9a-f]{32}\\.tmp$",
							file_name, 0, 0))
		inner->name = pc_text_name(file_name);
	inner->type = g_strdup(type);
	inner->depth = recursion_level;
	g_ptr_array_add(scan->object->inner, inner);
	return CL_CLEAN;
}

/* A fresh installation has no signatures until freshclam's first download:
 * the daemon starts anyway and every scan is an error (tempfail) saying
 * so, until database_dir has some and a reload picks them up. */
static gboolean
pc_av_wait_for_database(PcAv *av, const PcEngineOptions *options, GError **error)
{
	if (!options->av_wait_for_database ||
	    !g_error_matches(*error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_NO_DATABASE))
		return FALSE;
	av->missing = g_strdup_printf("no signature database yet (%s)", (*error)->message);
	g_clear_error(error);
	return TRUE;
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
	if (!pc_av_set_limits(av->engine, options, error)) {
		pc_av_destroy(av);
		return NULL;
	}
	if (!pc_av_load(av, options, error) && !pc_av_wait_for_database(av, options, error)) {
		pc_av_destroy(av);
		return NULL;
	}
	cl_engine_set_clcb_virus_found(av->engine, pc_av_virus_found);
	cl_engine_set_clcb_file_inspection(av->engine, pc_av_inspect);
	/* Snapshot the directory after loading, so a change during load is seen. */
	cl_statinidir(options->database_dir, &av->dbstat);
	av->dir = g_strdup(options->database_dir);
	av->database_version = av->missing ? g_strdup("none")
					   : pc_av_database_version(options->database_dir);
	av->part_options.general = CL_SCAN_GENERAL_HEURISTICS;
	av->part_options.parse = ~0u;
	av->part_options.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX | CL_SCAN_HEURISTIC_BROKEN |
		CL_SCAN_HEURISTIC_ENCRYPTED_ARCHIVE | CL_SCAN_HEURISTIC_ENCRYPTED_DOC |
		CL_SCAN_HEURISTIC_MACROS | CL_SCAN_HEURISTIC_PHISHING_SSL_MISMATCH |
		CL_SCAN_HEURISTIC_PHISHING_CLOAK;
	av->raw_options = av->part_options;
	av->raw_options.parse = 0;
	return av;
}

/* A detection or limit of one scan, as a finding on object (NULL: message). */
static void
pc_av_record_name(PcScan *scan, const char *object, const char *name)
{
	PcStatus status = pc_av_status_of(name, scan->policy->signature_overrides);

	if (status == PC_STATUS_UNSCANNABLE) {
		g_autofree char *detail = g_strdup_printf("limit:%s",
			name + MIN(strlen(name), strlen(PC_AV_LIMIT_PREFIX ".")));

		pc_verdict_add(scan->verdict, "av", status, object, name, detail);
		return;
	}
	pc_verdict_add(scan->verdict, "av", status, object, name, NULL);
}

static gboolean
pc_av_record(PcScan *scan, const char *object, cl_error_t rc, const char *virname,
	     GError **error)
{
	g_autofree char *detail = NULL;

	switch (rc) {
	case CL_CLEAN:
		return TRUE;
	case CL_VIRUS:
		pc_av_record_name(scan, object, virname ? virname : "Unknown.Detection");
		return TRUE;
	case CL_ETIMEOUT:
		pc_verdict_add(scan->verdict, "av", PC_STATUS_ERROR, object, NULL,
			       "limit:MaxScanTime");
		return TRUE;
	case CL_EMAXREC:
	case CL_EMAXSIZE:
	case CL_EMAXFILES:
		detail = g_strdup_printf("limit:%s", cl_strerror(rc));
		pc_verdict_add(scan->verdict, "av", PC_STATUS_UNSCANNABLE, object, NULL, detail);
		return TRUE;
	case CL_EFORMAT:
	case CL_EPARSE:
		detail = g_strdup_printf("libclamav: %s", cl_strerror(rc));
		pc_verdict_add(scan->verdict, "av", PC_STATUS_CORRUPTED, object, NULL, detail);
		return TRUE;
	default:
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
			    "libclamav: %s", cl_strerror(rc));
		return FALSE;
	}
}

/* The scratch directory libclamav makes its per-scan directory in, made
 * again if someone removed it (tmp cleaners, an emptied spool); TRUE when
 * it was missing. */
static gboolean
pc_av_remake_tmp_dir(const PcScan *scan)
{
	const char *tmp_dir = scan->options->tmp_dir;

	return tmp_dir != NULL && *tmp_dir && g_mkdir(tmp_dir, 0700) == 0;
}

/* One libclamav scan of a memory map; the result is in context. */
static cl_error_t
pc_av_scan_once(PcAv *av, PcAvScan *context, cl_fmap_t *map,
		const struct cl_scan_options *options, const char **virname)
{
	struct cl_scan_options opts = *options;
	unsigned long scanned = 0;
	cl_error_t rc;

	pc_av_current = context;
	rc = cl_scanmap_callback(map, context->object ? pc_object_name(context->object) : NULL,
				 virname, &scanned, av->engine, &opts, context);
	pc_av_current = NULL;
	return rc;
}

static void
pc_av_scan_clear(PcAvScan *context)
{
	g_clear_pointer(&context->name, g_free);
	g_clear_pointer(&context->failure, g_free);
	context->truncated = FALSE;
}

/* Scans bytes from memory; results go to object (NULL: the message).  A
 * scan that failed because the scratch directory was gone runs once more
 * after it is made again; any other failure is an error (on_error). */
static gboolean
pc_av_scan_bytes(PcAv *av, PcScan *scan, PcObject *object, const guint8 *data, gsize len,
		 const struct cl_scan_options *options, GError **error)
{
	PcAvScan context = { NULL, object, scan->options->max_file_size, FALSE, NULL };
	const char *virname = NULL;
	const char *where = object ? object->path : NULL;
	guint listed = object ? object->inner->len : 0;
	cl_fmap_t *map;
	cl_error_t rc;
	gboolean ok;

	if (len == 0)
		return TRUE;
	map = cl_fmap_open_memory(data, len);
	if (map == NULL) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
			    "libclamav: cannot map %s", object ? "a part" : "the message");
		return FALSE;
	}
	rc = pc_av_scan_once(av, &context, map, options, &virname);
	if (context.failure != NULL && pc_av_remake_tmp_dir(scan)) {
		if (pc_av_log_handler != NULL)
			pc_av_log_handler(G_LOG_LEVEL_WARNING, "tmp_dir was missing: made again");
		pc_av_scan_clear(&context);
		if (object != NULL)
			g_ptr_array_set_size(object->inner, listed);
		virname = NULL;
		rc = pc_av_scan_once(av, &context, map, options, &virname);
	}
	cl_fmap_close(map);
	ok = pc_av_record(scan, where, rc, virname ? virname : context.name, error);
	if (ok && context.truncated)
		pc_verdict_add(scan->verdict, "av", PC_STATUS_UNSCANNABLE, where,
			       PC_AV_LIMIT_PREFIX ".MaxFileSize", "limit:MaxFileSize");
	if (ok && context.failure != NULL) {
		g_autofree char *detail = g_strdup_printf("libclamav: %s", context.failure);

		pc_verdict_add(scan->verdict, "av", PC_STATUS_ERROR, where, NULL, detail);
	}
	pc_av_scan_clear(&context);
	return ok;
}

/* What GMime's split may have missed inside one part. */
static void
pc_av_check_hidden(PcScan *scan, const PcObject *object, const PcBlob *content)
{
	static const char *const known[] = { "", "7bit", "8bit", "binary", "base64",
		"quoted-printable", "x-uuencode", "uuencode", "x-uue", NULL };
	const char *embedded;

	if (g_str_has_prefix(object->declared_type, "text/") &&
	    (embedded = pc_mime_embedded_encoding(content->data, content->len)) != NULL)
		pc_scan_want_second_opinion(scan, embedded);
	if (strcmp(object->declared_type, "application/ms-tnef") == 0 ||
	    strcmp(object->declared_type, "application/vnd.ms-tnef") == 0 ||
	    g_strcmp0(object->detected_type, "application/vnd.ms-tnef") == 0)
		pc_scan_want_second_opinion(scan, "tnef");
	if (strcmp(object->declared_type, "message/partial") == 0)
		pc_scan_want_second_opinion(scan, "partial");
	if (!g_strv_contains(known, object->encoding))
		pc_scan_want_second_opinion(scan, "unknown-encoding");
}

typedef struct {
	PcAv *av;
	PcScan *scan;
	PcObject *object;
	GError *error;
} PcAvYenc;

/* A yEnc file inside a text part: listed like a file inside an archive
 * (the name filter sees it) and scanned; findings go to the text part. */
static void
pc_av_yenc_file(const guint8 *data, gsize len, const char *name, gpointer user)
{
	PcAvYenc *run = user;
	PcInnerFile *inner = g_new0(PcInnerFile, 1);

	inner->name = name ? pc_text_name(name) : NULL;
	inner->type = g_strdup("yEnc");
	inner->depth = 1;
	g_ptr_array_add(run->object->inner, inner);
	if (run->error == NULL)
		pc_av_scan_bytes(run->av, run->scan, run->object, data, len,
				 &run->av->part_options, &run->error);
}

static gboolean
pc_av_scan_part(gpointer state, PcScan *scan, PcObject *object, const PcBlob *content,
		GError **error)
{
	PcAv *av = state;
	PcAvYenc yenc = { av, scan, object, NULL };

	if (!scan->policy->av || scan->policy->scan_mode == PC_SCAN_MESSAGE || av->missing)
		return TRUE;
	pc_av_check_hidden(scan, object, content);
	if (!pc_av_scan_bytes(av, scan, object, content->data, content->len,
			      &av->part_options, error))
		return FALSE;
	if (g_str_has_prefix(object->declared_type, "text/")) {
		gsize starts[PC_MIME_MAX_YENC];
		guint n = pc_mime_embedded_starts(content->data, content->len, starts,
						  G_N_ELEMENTS(starts));

		/* Each block from its first line, where libclamav recognises it. */
		for (guint i = 0; i < n && yenc.error == NULL; i++)
			pc_av_scan_bytes(av, scan, object, content->data + starts[i],
					 content->len - starts[i], &av->part_options, &yenc.error);
		pc_mime_yenc(content->data, content->len, pc_av_yenc_file, &yenc);
	}
	if (yenc.error != NULL) {
		g_propagate_error(error, yenc.error);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pc_av_part_has(const PcVerdict *verdict, PcStatus status)
{
	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *object = g_ptr_array_index(verdict->objects, i);

		if (object->status == status)
			return TRUE;
	}
	return FALSE;
}

/* libclamav's own parse of the whole message, next to what the parts
 * found: only what they missed is added, on "message".  A limit that
 * only this second pass hits adds nothing: the parts were scanned whole. */
static gboolean
pc_av_second_opinion(PcAv *av, PcScan *scan, GError **error)
{
	g_autoptr(PcVerdict) whole = pc_verdict_new();
	PcScan alone = *scan;

	alone.verdict = whole;
	if (!pc_av_scan_bytes(av, &alone, NULL, scan->data, scan->len, &av->part_options, error))
		return FALSE;
	for (guint i = 0; i < whole->findings->len; i++) {
		const PcFinding *finding = g_ptr_array_index(whole->findings, i);
		const char *name = finding->names->len ? g_ptr_array_index(finding->names, 0) : NULL;

		if (finding->status == PC_STATUS_UNSCANNABLE ||
		    pc_av_part_has(scan->verdict, finding->status))
			continue;
		pc_verdict_add(scan->verdict, "av", finding->status, NULL, name, finding->detail);
	}
	return TRUE;
}

/* A part body that per-part scanning saw decoded: its encoded text need
 * not be matched again when raw_scan = text.  Unencoded bodies stay in the
 * raw scan: libclamav applies mail-target signatures (target 4) to text only
 * in a file it typed as mail, never to a part scanned on its own. */
static gboolean
pc_av_decoded_elsewhere(const PcObject *object)
{
	static const char *const encoded[] = { "base64", "quoted-printable", "x-uuencode",
		"uuencode", "x-uue", NULL };

	return !object->container && object->body_start >= 0 &&
	       g_strv_contains(encoded, object->encoding);
}

/* The raw message without the bodies of encoded parts (raw_scan = text);
 * NULL when nothing would be left out. */
static GByteArray *
pc_av_raw_text(const PcScan *scan)
{
	GByteArray *text = NULL;
	gint64 pos = 0;

	for (guint i = 0; i < scan->verdict->objects->len; i++) {
		const PcObject *object = g_ptr_array_index(scan->verdict->objects, i);

		if (!pc_av_decoded_elsewhere(object) || object->body_start < pos ||
		    object->body_end > (gint64)scan->len)
			continue;
		if (text == NULL)
			text = g_byte_array_sized_new((guint)MIN(scan->len, G_MAXUINT));
		g_byte_array_append(text, scan->data + pos, (guint)(object->body_start - pos));
		pos = object->body_end;
	}
	if (text != NULL)
		g_byte_array_append(text, scan->data + pos, (guint)(scan->len - pos));
	return text;
}

static gboolean
pc_av_scan_raw(PcAv *av, PcScan *scan, GError **error)
{
	g_autoptr(GByteArray) text = scan->policy->raw_scan == PC_RAW_TEXT ? pc_av_raw_text(scan)
									    : NULL;

	if (text != NULL)
		return pc_av_scan_bytes(av, scan, NULL, text->data, text->len, &av->raw_options,
					error);
	return pc_av_scan_bytes(av, scan, NULL, scan->data, scan->len, &av->raw_options, error);
}

static gboolean
pc_av_scan_message(gpointer state, PcScan *scan, GError **error)
{
	PcAv *av = state;
	PcScanMode mode = scan->policy->scan_mode;
	gboolean whole = mode == PC_SCAN_BOTH ||
			 (mode == PC_SCAN_AUTO && scan->second_opinion->len > 0);

	if (!scan->policy->av) {
		scan->verdict->mode = g_strdup("none");
		return TRUE;
	}
	if (av->missing != NULL) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_NO_DATABASE, "%s", av->missing);
		return FALSE;
	}
	if (mode == PC_SCAN_MESSAGE) {
		scan->verdict->mode = g_strdup("message");
		return pc_av_scan_bytes(av, scan, NULL, scan->data, scan->len, &av->part_options,
					error);
	}
	if (!pc_av_scan_raw(av, scan, error))
		return FALSE;
	scan->verdict->mode = whole ? g_strdup_printf("parts+message(%s)",
				      scan->second_opinion->len ? scan->second_opinion->str :
				      "both") : g_strdup("parts");
	return !whole || pc_av_second_opinion(av, scan, error);
}

gboolean
pc_av_scan_file(gpointer state, PcScan *scan, PcObject *object, const guint8 *data, gsize len,
		GError **error)
{
	PcAv *av = state;

	return pc_av_scan_bytes(av, scan, object, data, len, &av->part_options, error);
}

void
pc_av_fill_info(gpointer state, PcEngineInfo *info)
{
	PcAv *av = state;

	info->scanner_version = g_strdup_printf("ClamAV %s", cl_retver());
	info->database_version = g_strdup(av->database_version);
	info->signatures = av->signatures;
	info->database_missing = g_strdup(av->missing);
}

/* Anything in dir (it may not even exist yet). */
static gboolean
pc_av_dir_has_entries(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);

	return d != NULL && g_dir_read_name(d) != NULL;
}

gboolean
pc_av_database_changed(gpointer state)
{
	PcAv *av = state;

	if (av->missing != NULL && av->dbstat.dir == NULL)
		return pc_av_dir_has_entries(av->dir);
	return av->dbstat.dir != NULL && cl_statchkdir(&av->dbstat) == 1;
}

const PcCheck pc_check_av = {
	.name = "av",
	.stage = PC_STAGE_AV,
	.create = pc_av_create,
	.scan_part = pc_av_scan_part,
	.scan_message = pc_av_scan_message,
	.destroy = pc_av_destroy,
};
