/*
 * NAME
 *	engine.c - build, share and run the set of checks
 * DESCRIPTION
 *	See include/portcullis/engine.h.  An engine holds one state per
 *	check in pc_engine_checks[].  A scan maps the message (memory as
 *	given, or the spool fd mapped read-only), parses it with GMime once,
 *	decodes each leaf once and hands it to every check, then lets every
 *	check look at the whole message.  Where the message's headers name a
 *	second boundary for a multipart (GMime and libclamav take one, a mail
 *	client may take the other), it is scanned again under that boundary.
 *	A check that fails adds an error
 *	finding naming it, so a broken check can never look like a clean
 *	message.
 * THREAD SAFETY
 *	Engines are immutable after pc_engine_new(); the reference count is
 *	atomic.  pc_engine_database_changed() is for one watcher thread only.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"

/* Order matters: AV records libclamav's type of each part, which lets the
 * type check skip libmagic on plain body text; the filter reads both.  The
 * AV check stays at index PC_ENGINE_AV (engine info, database watch), the
 * spam check at PC_ENGINE_SPAM (engine info). */
static const PcCheck *const pc_engine_checks[] = {
	&pc_check_av,
	&pc_check_magic,
	&pc_check_filter,
	&pc_check_auth,		/* before spam: its eval tests read the results */
	&pc_check_spam,
};
#define PC_ENGINE_NCHECKS G_N_ELEMENTS(pc_engine_checks)
#define PC_ENGINE_AV 0
#define PC_ENGINE_SPAM 4

struct PcEngine {
	gatomicrefcount ref;
	PcEngineInfo info;
	PcEngineOptions options;
	gpointer states[PC_ENGINE_NCHECKS];
	gboolean standin;	/* pc_engine_new_standin(): no states */
};

G_DEFINE_QUARK(pc-engine-error-quark, pc_engine_error)

static const char *const pc_scan_mode_names[] = {
	[PC_SCAN_AUTO] = "auto",
	[PC_SCAN_PARTS] = "parts",
	[PC_SCAN_MESSAGE] = "message",
	[PC_SCAN_BOTH] = "both",
};

const char *
pc_scan_mode_name(PcScanMode mode)
{
	return pc_scan_mode_names[mode];
}

gboolean
pc_engine_global_init(PcEngineLogFunc handler, GError **error)
{
	pc_mime_global_init();
	return pc_av_global_init(handler, error);
}

static void
pc_engine_free(PcEngine *engine)
{
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++)
		if (engine->states[i] != NULL)
			pc_engine_checks[i]->destroy(engine->states[i]);
	g_free(engine->info.scanner_version);
	g_free(engine->info.database_version);
	g_free(engine->info.database_dir);
	g_free(engine->info.database_missing);
	g_free((char *)engine->options.database_dir);
	g_free((char *)engine->options.tmp_dir);
	g_free(engine);
}

static PcEngine *
pc_engine_alloc(const PcEngineOptions *options)
{
	PcEngine *engine = g_new0(PcEngine, 1);

	g_atomic_ref_count_init(&engine->ref);
	engine->options = *options;
	engine->options.database_dir = g_strdup(options->database_dir);
	engine->options.tmp_dir = g_strdup(options->tmp_dir);
	engine->info.database_dir = g_strdup(options->database_dir);
	return engine;
}

PcEngine *
pc_engine_new_standin(const PcEngineOptions *options, const char *why)
{
	PcEngine *engine = pc_engine_alloc(options);

	engine->standin = TRUE;
	engine->info.scanner_version = g_strdup("none");
	engine->info.database_version = g_strdup("none");
	engine->info.database_missing = g_strdup(why);
	return engine;
}

PcEngine *
pc_engine_new(const PcEngineOptions *options, GError **error)
{
	PcEngine *engine = pc_engine_alloc(options);

	if (engine->options.max_mime_depth == 0)
		engine->options.max_mime_depth = 20;
	if (engine->options.max_parts == 0)
		engine->options.max_parts = PC_ENGINE_MAX_PARTS;
	if (engine->options.scan_timeout_ms == 0)
		engine->options.scan_timeout_ms = PC_ENGINE_SCAN_TIMEOUT_MS;
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++) {
		engine->states[i] = pc_engine_checks[i]->create(&engine->options, error);
		if (engine->states[i] == NULL) {
			pc_engine_free(engine);
			return NULL;
		}
	}
	pc_av_fill_info(engine->states[PC_ENGINE_AV], &engine->info);
	pc_spam_fill_info(engine->states[PC_ENGINE_SPAM], &engine->info);
	return engine;
}

PcEngine *
pc_engine_ref(PcEngine *engine)
{
	g_atomic_ref_count_inc(&engine->ref);
	return engine;
}

void
pc_engine_unref(PcEngine *engine)
{
	if (engine != NULL && g_atomic_ref_count_dec(&engine->ref))
		pc_engine_free(engine);
}

const PcEngineInfo *
pc_engine_info(const PcEngine *engine)
{
	return &engine->info;
}

GPtrArray *
pc_engine_spam_rules(const PcEngine *engine)
{
	if (engine->standin)
		return g_ptr_array_new_with_free_func(g_free);
	return pc_spam_rule_list(engine->states[PC_ENGINE_SPAM]);
}

void
pc_scan_want_second_opinion(PcScan *scan, const char *why)
{
	if (strstr(scan->second_opinion->str, why) == NULL)
		g_string_append_printf(scan->second_opinion, "%s%s",
				       scan->second_opinion->len ? "," : "", why);
}

gint64
pc_scan_dns_deadline(PcScan *scan, guint budget_ms)
{
	if (scan->dns_deadline == 0)
		scan->dns_deadline = g_get_monotonic_time() + (gint64)budget_ms * 1000;
	return scan->dns_deadline;
}

gboolean
pc_scan_expired(PcScan *scan)
{
	if (scan->expired)
		return TRUE;
	if (scan->deadline == 0 || g_get_monotonic_time() < scan->deadline)
		return FALSE;
	scan->expired = TRUE;
	pc_verdict_add(scan->verdict, "engine", PC_STATUS_ERROR, NULL, NULL, "limit:deadline");
	return TRUE;
}

/* Adds the time since *since to stage and restarts the clock. */
static void
pc_scan_lap(PcScan *scan, PcStage stage, gint64 *since)
{
	gint64 now = g_get_monotonic_time();

	scan->verdict->stage_us[stage] += now - *since;
	*since = now;
}

static void
pc_engine_failed(PcVerdict *verdict, const PcCheck *check, const char *object, GError *error)
{
	pc_verdict_add(verdict, check->name, PC_STATUS_ERROR, object, NULL, error->message);
}

static void
pc_engine_digest(PcObject *object, const PcBlob *content)
{
	object->sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, content->data,
						     content->len);
}

/* Decodes one leaf and shows it to every check. */
static void
pc_engine_scan_leaf(PcEngine *engine, PcScan *scan, guint index)
{
	PcObject *object = g_ptr_array_index(scan->verdict->objects, index);
	GMimeObject *entity = g_ptr_array_index(scan->mime->entities, index);
	g_autoptr(GError) error = NULL;
	gint64 clock = g_get_monotonic_time();
	PcBlob content;

	if (entity == NULL) {
		/* GMime could not parse it: the raw bytes are the only part. */
		content = (PcBlob){ .data = scan->data, .len = scan->len, .fd = -1 };
	} else if (!pc_mime_decode(entity, engine->options.memory_max,
				   engine->options.tmp_dir, &content, &error)) {
		pc_verdict_add(scan->verdict, "mime", PC_STATUS_ERROR, object->path, NULL,
			       error->message);
		pc_blob_clear(&content);
		pc_scan_lap(scan, PC_STAGE_PARSE, &clock);
		return;
	}
	object->size = content.len;
	if (engine->options.digests)
		pc_engine_digest(object, &content);
	pc_scan_lap(scan, PC_STAGE_PARSE, &clock);
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++) {
		const PcCheck *check = pc_engine_checks[i];

		if (check->scan_part == NULL)
			continue;
		if (!check->scan_part(engine->states[i], scan, object, &content, &error)) {
			pc_engine_failed(scan->verdict, check, object->path, error);
			g_clear_error(&error);
		}
		pc_scan_lap(scan, check->stage, &clock);
	}
	if (entity != NULL)
		pc_blob_clear(&content);
}

static void pc_engine_run(PcEngine *engine, PcScan *scan);

static gboolean
pc_engine_has_finding(const PcVerdict *verdict, PcStatus status, const char *name)
{
	for (guint i = 0; i < verdict->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(verdict->findings, i);
		const char *first = f->names->len ? g_ptr_array_index(f->names, 0) : NULL;

		if (f->status == status && g_strcmp0(first, name) == 0)
			return TRUE;
	}
	return FALSE;
}

/* A multipart whose headers name a second boundary is scanned again as a
 * mail client that takes that boundary would show it; what that finds
 * counts for the message.  One level only: the re-scan looks no further. */
static void
pc_engine_scan_alternates(PcEngine *engine, PcScan *scan)
{
	for (guint i = 0; i < scan->mime->alternates->len; i++) {
		const PcAltBoundary *alt = &g_array_index(scan->mime->alternates, PcAltBoundary, i);
		g_autoptr(GByteArray) copy = pc_mime_with_boundary(scan->data, scan->len, alt);
		g_autoptr(PcVerdict) other = pc_verdict_new();
		PcMime mime = { 0 };
		PcScan alone = { copy->data, copy->len, &mime, scan->policy, scan->options, other,
				 g_string_new(NULL), TRUE, scan->input, scan->deadline, FALSE,
				 scan->dns_deadline };

		if (pc_scan_expired(scan))
			return;
		pc_engine_run(engine, &alone);
		pc_mime_clear(&mime);
		g_string_free(alone.second_opinion, TRUE);
		for (guint f = 0; f < other->findings->len; f++) {
			const PcFinding *finding = g_ptr_array_index(other->findings, f);
			const char *name = finding->names->len ? g_ptr_array_index(finding->names, 0)
							       : NULL;
			g_autofree char *detail = g_strdup_printf("with boundary \"%s\"%s%s",
				alt->boundary, finding->detail ? ": " : "",
				finding->detail ? finding->detail : "");

			if (finding->status != PC_STATUS_CLEAN &&
			    !pc_engine_has_finding(scan->verdict, finding->status, name))
				pc_verdict_add(scan->verdict, finding->source, finding->status, NULL,
					       name, detail);
		}
	}
}

static void
pc_engine_run(PcEngine *engine, PcScan *scan)
{
	gint64 clock = g_get_monotonic_time();

	pc_mime_parse(scan->data, scan->len, engine->options.max_mime_depth,
		      engine->options.max_parts, scan->verdict, scan->mime);
	pc_scan_lap(scan, PC_STAGE_PARSE, &clock);
	if (scan->mime->structural_warnings > 0)
		pc_scan_want_second_opinion(scan, "mime-defect");
	for (guint i = 0; i < scan->verdict->objects->len; i++) {
		const PcObject *object = g_ptr_array_index(scan->verdict->objects, i);

		if (pc_scan_expired(scan))
			return;
		if (!object->container)
			pc_engine_scan_leaf(engine, scan, i);
	}
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++) {
		const PcCheck *check = pc_engine_checks[i];
		g_autoptr(GError) error = NULL;

		if (pc_scan_expired(scan))
			return;
		if (check->scan_message == NULL)
			continue;
		clock = g_get_monotonic_time();
		if (!check->scan_message(engine->states[i], scan, &error))
			pc_engine_failed(scan->verdict, check, NULL, error);
		pc_scan_lap(scan, check->stage, &clock);
	}
	if (!scan->alternate)
		pc_engine_scan_alternates(engine, scan);
}

/* The caller's deadline, or scan_timeout_ms from now. */
static gint64
pc_engine_deadline(const PcEngine *engine, const PcInput *input)
{
	if (input->deadline != 0)
		return input->deadline;
	return g_get_monotonic_time() + (gint64)engine->options.scan_timeout_ms * 1000;
}

/* A spooled message is mapped read-only: GMime's parts and libclamav's
 * maps are then windows on the page cache, never copies. */
static const guint8 *
pc_engine_map(const PcInput *input, gsize *len, GError **error)
{
	struct stat st;
	void *map;

	if (input->data != NULL) {
		*len = input->len;
		return input->data;
	}
	if (fstat(input->fd, &st) != 0) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
			    "cannot stat the spool file: %s", g_strerror(errno));
		return NULL;
	}
	*len = (gsize)st.st_size;
	if (*len == 0)
		return (const guint8 *)"";
	map = mmap(NULL, *len, PROT_READ, MAP_SHARED, input->fd, 0);
	if (map == MAP_FAILED) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN,
			    "cannot map the spool file: %s", g_strerror(errno));
		return NULL;
	}
	return map;
}

PcVerdict *
pc_engine_scan(PcEngine *engine, const PcInput *input, const PcPolicy *policy)
{
	static const PcPolicy no_policy = { .av = TRUE, .filter_enabled = TRUE,
					     .scan_mode = PC_SCAN_AUTO };
	PcVerdict *verdict = pc_verdict_new();
	g_autoptr(GError) error = NULL;
	PcMime mime = { 0 };
	PcScan scan = {
		.mime = &mime,
		.policy = policy ? policy : &no_policy,
		.options = &engine->options,
		.verdict = verdict,
		.second_opinion = g_string_new(NULL),
		.input = input,
		.deadline = pc_engine_deadline(engine, input),
	};

	if (engine->standin) {
		pc_verdict_add(verdict, "engine", PC_STATUS_ERROR, NULL, NULL,
			       engine->info.database_missing);
		g_string_free(scan.second_opinion, TRUE);
		return verdict;
	}
	scan.data = pc_engine_map(input, &scan.len, &error);
	if (scan.data == NULL) {
		pc_verdict_add(verdict, "engine", PC_STATUS_ERROR, NULL, NULL, error->message);
	} else {
		pc_engine_run(engine, &scan);
		pc_mime_clear(&mime);
		if (input->data == NULL && scan.len > 0)
			munmap((void *)scan.data, scan.len);
	}
	g_string_free(scan.second_opinion, TRUE);
	return verdict;
}

PcVerdict *
pc_engine_scan_file(PcEngine *engine, const guint8 *data, gsize len)
{
	static const PcPolicy no_policy = { .av = TRUE };
	PcVerdict *verdict = pc_verdict_new();
	PcObject *object = pc_object_new("1");
	g_autoptr(GError) error = NULL;
	PcScan scan = { .data = data, .len = len, .policy = &no_policy,
			.options = &engine->options, .verdict = verdict };

	g_ptr_array_add(verdict->objects, object);
	if (engine->standin)
		pc_verdict_add(verdict, "av", PC_STATUS_ERROR, "1", NULL, engine->info.database_missing);
	else if (!pc_av_scan_file(engine->states[PC_ENGINE_AV], &scan, object, data, len, &error))
		pc_verdict_add(verdict, "av", PC_STATUS_ERROR, "1", NULL, error->message);
	return verdict;
}

void
pc_engine_prefetch(PcEngine *engine, const PcPrefetch *what)
{
	for (guint i = 0; i < PC_ENGINE_NCHECKS && !engine->standin; i++)
		if (pc_engine_checks[i]->prefetch != NULL)
			pc_engine_checks[i]->prefetch(engine->states[i], what);
}

gboolean
pc_engine_database_changed(PcEngine *engine)
{
	return engine->standin || pc_av_database_changed(engine->states[PC_ENGINE_AV]);
}
