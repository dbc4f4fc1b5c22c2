/*
 * NAME
 *	verdict.c - objects, findings and the verdict built from them
 * DESCRIPTION
 *	See include/portcullis/verdict.h.  The status of a verdict is the most
 *	severe status among its findings; its score is their sum.  A finding
 *	about an object also raises that object's status.
 */
#include "config.h"

#include <string.h>

#include <portcullis/text.h>
#include <portcullis/verdict.h>

static const char *const pc_status_names[PC_STATUS_COUNT] = {
	[PC_STATUS_CLEAN] = "clean",
	[PC_STATUS_UNSCANNED] = "unscanned",
	[PC_STATUS_PROBABLE] = "probable",
	[PC_STATUS_SPAM] = "spam",
	[PC_STATUS_FILTERED] = "filtered",
	[PC_STATUS_SUSPICIOUS] = "suspicious",
	[PC_STATUS_CORRUPTED] = "corrupted",
	[PC_STATUS_ENCRYPTED] = "encrypted",
	[PC_STATUS_UNSCANNABLE] = "unscannable",
	[PC_STATUS_ERROR] = "error",
	[PC_STATUS_INFECTED] = "infected",
};

const char *
pc_status_name(PcStatus status)
{
	return pc_status_names[status];
}

static const char *const pc_stage_names[PC_STAGE_COUNT] = {
	[PC_STAGE_PARSE] = "parse",
	[PC_STAGE_AV] = "av",
	[PC_STAGE_TYPE] = "type",
	[PC_STAGE_FILTER] = "filter",
	[PC_STAGE_AUTH] = "auth",
	[PC_STAGE_SPAM] = "spam",
	[PC_STAGE_DNS] = "dns_wait",
};

const char *
pc_stage_name(PcStage stage)
{
	return pc_stage_names[stage];
}

int
pc_status_from_name(const char *name)
{
	for (int i = 0; i < PC_STATUS_COUNT; i++)
		if (g_ascii_strcasecmp(pc_status_names[i], name) == 0)
			return i;
	return -1;
}

static void
pc_inner_free(gpointer data)
{
	PcInnerFile *inner = data;

	g_free(inner->name);
	g_free(inner->type);
	g_free(inner);
}

PcObject *
pc_object_new(const char *path)
{
	PcObject *object = g_new0(PcObject, 1);

	object->path = g_strdup(path);
	object->names = g_ptr_array_new_with_free_func(g_free);
	object->inner = g_ptr_array_new_with_free_func(pc_inner_free);
	object->header_start = object->body_start = object->body_end = -1;
	return object;
}

void
pc_object_free(PcObject *object)
{
	if (object == NULL)
		return;
	g_free(object->path);
	g_free(object->declared_type);
	g_free(object->detected_type);
	g_free(object->scanner_type);
	g_free(object->encoding);
	g_free(object->charset);
	g_ptr_array_unref(object->names);
	g_ptr_array_unref(object->inner);
	g_free(object->sha256);
	g_free(object->boundary);
	g_free(object);
}

const char *
pc_object_name(const PcObject *object)
{
	return object->names->len ? g_ptr_array_index(object->names, 0) : NULL;
}

static void
pc_finding_free(gpointer data)
{
	PcFinding *finding = data;

	g_free(finding->source);
	g_free(finding->object);
	g_ptr_array_unref(finding->names);
	g_free(finding->detail);
	g_free(finding);
}

/* Objects and findings are appended (by pc_verdict_add, the MIME walk or
 * a test filling objects itself) and never removed, so the index only
 * needs to catch up with what was appended since it last looked. */
struct PcVerdictIndex {
	GHashTable *objects;	/* path -> PcObject *, the first with that path */
	guint objects_seen;
	GHashTable *findings;	/* path -> GPtrArray of PcFinding * */
	guint findings_seen;
};

static void
pc_verdict_index_free(struct PcVerdictIndex *index)
{
	if (index == NULL)
		return;
	g_hash_table_unref(index->objects);
	g_hash_table_unref(index->findings);
	g_free(index);
}

static struct PcVerdictIndex *
pc_verdict_index(const PcVerdict *verdict)
{
	PcVerdict *v = (PcVerdict *)verdict;	/* a cache: the verdict does not change */
	struct PcVerdictIndex *index = v->index;

	if (index == NULL) {
		index = v->index = g_new0(struct PcVerdictIndex, 1);
		/* keys are the objects' and findings' own paths */
		index->objects = g_hash_table_new(g_str_hash, g_str_equal);
		index->findings = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
							 (GDestroyNotify)g_ptr_array_unref);
	}
	for (; index->objects_seen < verdict->objects->len; index->objects_seen++) {
		PcObject *o = g_ptr_array_index(verdict->objects, index->objects_seen);

		if (!g_hash_table_contains(index->objects, o->path))
			g_hash_table_insert(index->objects, o->path, o);
	}
	for (; index->findings_seen < verdict->findings->len; index->findings_seen++) {
		PcFinding *f = g_ptr_array_index(verdict->findings, index->findings_seen);
		GPtrArray *about = g_hash_table_lookup(index->findings, f->object);

		if (about == NULL) {
			about = g_ptr_array_new();
			g_hash_table_insert(index->findings, f->object, about);
		}
		g_ptr_array_add(about, f);
	}
	return index;
}

PcVerdict *
pc_verdict_new(void)
{
	PcVerdict *verdict = g_new0(PcVerdict, 1);

	verdict->findings = g_ptr_array_new_with_free_func(pc_finding_free);
	verdict->objects = g_ptr_array_new_with_free_func((GDestroyNotify)pc_object_free);
	return verdict;
}

void
pc_verdict_free(PcVerdict *verdict)
{
	if (verdict == NULL)
		return;
	pc_verdict_index_free(verdict->index);
	g_ptr_array_unref(verdict->findings);
	g_ptr_array_unref(verdict->objects);
	g_free(verdict->mode);
	g_free(verdict->spam_tests);
	g_free(verdict->dns_unanswered);
	if (verdict->dns_lists != NULL)
		g_array_unref(verdict->dns_lists);
	pc_auth_free(verdict->auth);
	if (verdict->spam_tokens != NULL)
		g_ptr_array_unref(verdict->spam_tokens);
	if (verdict->spam_ngrams != NULL)
		g_array_unref(verdict->spam_ngrams);
	g_free(verdict);
}

PcObject *
pc_verdict_object(const PcVerdict *verdict, const char *path)
{
	if (path == NULL)
		return NULL;
	return g_hash_table_lookup(pc_verdict_index(verdict)->objects, path);
}

PcFinding *const *
pc_verdict_findings_about(const PcVerdict *verdict, const char *path, guint *n)
{
	GPtrArray *about = g_hash_table_lookup(pc_verdict_index(verdict)->findings, path);

	*n = about ? about->len : 0;
	return about ? (PcFinding *const *)about->pdata : NULL;
}

PcFinding *
pc_verdict_add(PcVerdict *verdict, const char *source, PcStatus status,
	       const char *object, const char *name, const char *detail)
{
	PcFinding *finding = g_new0(PcFinding, 1);
	PcObject *about;

	finding->source = g_strdup(source);
	finding->status = status;
	finding->object = g_strdup(object ? object : "message");
	finding->names = g_ptr_array_new_with_free_func(g_free);
	if (name != NULL)
		g_ptr_array_add(finding->names, g_strdup(name));
	finding->detail = g_strdup(detail);
	g_ptr_array_add(verdict->findings, finding);
	verdict->status = MAX(verdict->status, status);
	about = pc_verdict_object(verdict, finding->object);
	if (about != NULL)
		about->status = MAX(about->status, status);
	return finding;
}

static const PcFinding *
pc_verdict_first(const PcVerdict *verdict, PcStatus status)
{
	for (guint i = 0; i < verdict->findings->len; i++) {
		const PcFinding *finding = g_ptr_array_index(verdict->findings, i);

		if (finding->status == status)
			return finding;
	}
	return NULL;
}

const char *
pc_verdict_first_name(const PcVerdict *verdict, PcStatus status)
{
	const PcFinding *finding = pc_verdict_first(verdict, status);

	if (finding == NULL || finding->names->len == 0)
		return NULL;
	return g_ptr_array_index(finding->names, 0);
}

const char *
pc_verdict_first_detail(const PcVerdict *verdict, PcStatus status)
{
	const PcFinding *finding = pc_verdict_first(verdict, status);

	return finding ? finding->detail : NULL;
}

char *
pc_verdict_describe(const PcVerdict *verdict)
{
	return pc_verdict_describe_only(verdict, ~0u);
}

char *
pc_verdict_describe_only(const PcVerdict *verdict, guint statuses)
{
	PcStatus worst = PC_STATUS_CLEAN;
	const char *what;

	for (guint i = 0; i < verdict->findings->len; i++) {
		const PcFinding *f = g_ptr_array_index(verdict->findings, i);

		if ((statuses & (1u << f->status)) && f->status > worst)
			worst = f->status;
	}
	what = pc_verdict_first_name(verdict, worst);
	if (what == NULL)
		what = pc_verdict_first_detail(verdict, worst);
	if (worst == PC_STATUS_CLEAN || what == NULL)
		return g_strdup(pc_status_name(worst));
	return g_strdup_printf("%s(%s)", pc_status_name(worst), what);
}

/* --- JSON, for portcullis --scan ------------------------------------------ */

static void
pc_json_strings(GString *out, const GPtrArray *strings)
{
	g_string_append_c(out, '[');
	for (guint i = 0; i < strings->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		pc_text_json_append(out, g_ptr_array_index(strings, i));
	}
	g_string_append_c(out, ']');
}

static void
pc_json_key(GString *out, const char *key, const char *value)
{
	g_string_append_printf(out, "\"%s\":", key);
	pc_text_json_append(out, value);
	g_string_append_c(out, ',');
}

/* Signature names of the findings about one object. */
static GPtrArray *
pc_verdict_object_names(const PcVerdict *verdict, const char *path)
{
	GPtrArray *names = g_ptr_array_new();
	guint n;
	PcFinding *const *about = pc_verdict_findings_about(verdict, path, &n);

	for (guint i = 0; i < n; i++)
		for (guint j = 0; j < about[i]->names->len; j++)
			g_ptr_array_add(names, g_ptr_array_index(about[i]->names, j));
	return names;
}

static void
pc_json_object(GString *out, const PcVerdict *verdict, const PcObject *object)
{
	g_autoptr(GPtrArray) signatures = pc_verdict_object_names(verdict, object->path);

	g_string_append_c(out, '{');
	pc_json_key(out, "path", object->path);
	pc_json_key(out, "type", object->declared_type);
	pc_json_key(out, "detected", object->detected_type);
	pc_json_key(out, "encoding", object->encoding);
	g_string_append_printf(out, "\"size\":%" G_GUINT64_FORMAT ",", object->size);
	pc_json_key(out, "sha256", object->sha256);
	pc_json_key(out, "status", pc_status_name(object->status));
	g_string_append_printf(out, "\"container\":%s,\"names\":",
			       object->container ? "true" : "false");
	pc_json_strings(out, object->names);
	g_string_append(out, ",\"signatures\":");
	pc_json_strings(out, signatures);
	g_string_append(out, ",\"inner\":[");
	for (guint i = 0; i < object->inner->len; i++) {
		const PcInnerFile *inner = g_ptr_array_index(object->inner, i);

		g_string_append(out, i ? ",{" : "{");
		pc_json_key(out, "name", inner->name);
		pc_json_key(out, "type", inner->type);
		g_string_append_printf(out, "\"depth\":%u}", inner->depth);
	}
	g_string_append(out, "]}");
}

static void
pc_json_finding(GString *out, const PcFinding *finding)
{
	g_string_append_c(out, '{');
	pc_json_key(out, "source", finding->source);
	pc_json_key(out, "status", pc_status_name(finding->status));
	pc_json_key(out, "object", finding->object);
	g_string_append(out, "\"names\":");
	pc_json_strings(out, finding->names);
	g_string_append(out, ",\"detail\":");
	pc_text_json_append(out, finding->detail);
	g_string_append_c(out, '}');
}

/* ,"spam":{"score":N,"tests":[...]} when the spam rules ran: what a
 * comparison with SpamAssassin's own report needs. */
static void
pc_json_spam(GString *out, const PcVerdict *verdict)
{
	g_auto(GStrv) names = NULL;
	g_autoptr(GPtrArray) tests = g_ptr_array_new();
	char score[G_ASCII_DTOSTR_BUF_SIZE];

	if (!verdict->spam_scanned)
		return;
	names = g_strsplit(verdict->spam_tests ? verdict->spam_tests : "", ",", -1);
	for (guint i = 0; names[i] != NULL; i++)
		if (*names[i] != '\0')
			g_ptr_array_add(tests, names[i]);
	/* JSON numbers take a point whatever the locale says */
	g_string_append_printf(out, ",\"spam\":{\"score\":%s,\"tests\":",
			       g_ascii_formatd(score, sizeof(score), "%.2f", verdict->spam_score));
	pc_json_strings(out, tests);
	g_string_append_c(out, '}');
}

static void
pc_json_dkim(GString *out, const PcDkimResult *r)
{
	g_string_append_c(out, '{');
	pc_json_key(out, "result", pc_auth_result_name(r->result));
	pc_json_key(out, "domain", r->domain);
	pc_json_key(out, "selector", r->selector);
	pc_json_key(out, "why", r->why);
	g_string_append_printf(out, "\"whole_body\":%s}", r->whole_body ? "true" : "false");
}

/* ,"auth":{...} when sender authentication ran. */
static void
pc_json_auth(GString *out, const PcAuth *auth)
{
	if (auth == NULL)
		return;
	g_string_append(out, ",\"auth\":{");
	pc_json_key(out, "spf", pc_auth_result_name(auth->spf));
	pc_json_key(out, "spf_domain", auth->spf_domain);
	pc_json_key(out, "spf_why", auth->spf_why);
	pc_json_key(out, "spf_helo", pc_auth_result_name(auth->spf_helo));
	pc_json_key(out, "dmarc", pc_auth_result_name(auth->dmarc));
	pc_json_key(out, "dmarc_policy", auth->dmarc_policy);
	pc_json_key(out, "dmarc_disposition", auth->dmarc_disposition);
	pc_json_key(out, "from_domain", auth->from_domain);
	pc_json_key(out, "arc", pc_auth_result_name(auth->arc));
	pc_json_key(out, "arc_why", auth->arc_why);
	g_string_append(out, "\"dkim\":[");
	for (guint i = 0; auth->dkim != NULL && i < auth->dkim->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		pc_json_dkim(out, g_ptr_array_index(auth->dkim, i));
	}
	g_string_append(out, "]}");
}

char *
pc_verdict_to_json(const PcVerdict *verdict, const char *file)
{
	GString *out = g_string_new("{");

	pc_json_key(out, "file", file);
	pc_json_key(out, "status", pc_status_name(verdict->status));
	pc_json_key(out, "mode", verdict->mode);
	g_string_append(out, "\"objects\":[");
	for (guint i = 0; i < verdict->objects->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		pc_json_object(out, verdict, g_ptr_array_index(verdict->objects, i));
	}
	g_string_append(out, "],\"findings\":[");
	for (guint i = 0; i < verdict->findings->len; i++) {
		if (i)
			g_string_append_c(out, ',');
		pc_json_finding(out, g_ptr_array_index(verdict->findings, i));
	}
	g_string_append_c(out, ']');
	pc_json_spam(out, verdict);
	pc_json_auth(out, verdict->auth);
	g_string_append_c(out, '}');
	return g_string_free(out, FALSE);
}
