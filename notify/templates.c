/*
 * NAME
 *	templates.c - notification templates: load, check, one set per language
 * DESCRIPTION
 *	A template is checked once, when the configuration is loaded: every
 *	{variable} must be known, a {#objects} block must be closed (and
 *	contain only variables of objects and of the message), and the
 *	header part must have a Subject.  Errors name FILE:LINE.
 */
#include "config.h"

#include <string.h>

#include "notify-private.h"
#include "template.h"
#include "notify/templates-builtin.h"

G_DEFINE_QUARK(pcn-error-quark, pcn_error)

const char *const pcn_variables[] = {
	"sender", "recipients", "subject", "queue_id", "client", "group", "status", "action",
	"reason", "quarantine_id", "hostname", "date", NULL,
};

const char *const pcn_object_variables[] = {
	"name", "path", "type", "size", "status", "signature", NULL,
};

static const char *const pcn_party_files[PCN_PARTY_COUNT] = {
	[PCN_ADMIN] = "admin.txt", [PCN_RECIPIENT] = "recipient.txt", [PCN_SENDER] = "sender.txt",
};

static const char *const pcn_builtin_en[PCN_PARTY_COUNT] = {
	[PCN_ADMIN] = PCN_BUILTIN_ADMIN, [PCN_RECIPIENT] = PCN_BUILTIN_RECIPIENT,
	[PCN_SENDER] = PCN_BUILTIN_SENDER,
};

struct _PcnTemplates {
	GHashTable *languages;	/* language -> char *[PCN_PARTY_COUNT] */
};

static guint
pcn_line_at(const char *text, const char *at)
{
	guint line = 1;

	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

static gboolean
pcn_fail(GError **error, const char *file, guint line, const char *what)
{
	g_set_error(error, PCN_ERROR, 0, "%s:%u: %s", file, line, what);
	return FALSE;
}

/* One stretch of the template, checked against its variables; the line
 * numbers of pc_template_check() count from the stretch's start. */
static gboolean
pcn_check_part(const char *text, const char *start, gsize len, const char *const *variables,
	       const char *file, GError **error)
{
	g_autofree char *part = g_strndup(start, len);
	g_autoptr(GError) local = NULL;
	const char *colon;

	if (pc_template_check(part, variables, &local))
		return TRUE;
	colon = strstr(local->message, ": ");
	return pcn_fail(error, file, pcn_line_at(text, start) + MAX(local->code, 1) - 1,
			colon ? colon + 2 : local->message);
}

gboolean
pcn_template_split(const char *text, PcnTemplateParts *parts)
{
	parts->block = strstr(text, PCN_BLOCK_OPEN);
	parts->end = strstr(text, PCN_BLOCK_CLOSE);
	if (parts->block == NULL && parts->end == NULL)
		return TRUE;
	return parts->block != NULL && parts->end != NULL && parts->end > parts->block &&
	       strstr(parts->block + 1, PCN_BLOCK_OPEN) == NULL &&
	       strstr(parts->end + 1, PCN_BLOCK_CLOSE) == NULL;
}

static gboolean
pcn_check_subject(const char *text, const char *file, GError **error)
{
	const char *body = strstr(text, "\n\n");
	gsize head = body ? (gsize)(body - text) : strlen(text);
	g_auto(GStrv) lines = NULL;
	g_autofree char *header = g_strndup(text, head);

	lines = g_strsplit(header, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++)
		if (g_ascii_strncasecmp(lines[i], "Subject:", 8) == 0)
			return TRUE;
	return pcn_fail(error, file, 1, "no \"Subject:\" line before the first empty line");
}

static gboolean
pcn_template_check(const char *text, const char *file, GError **error)
{
	g_autoptr(GStrvBuilder) both = g_strv_builder_new();
	g_auto(GStrv) inner = NULL;
	PcnTemplateParts p;

	if (!g_utf8_validate(text, -1, NULL))
		return pcn_fail(error, file, 1, "not valid UTF-8");
	if (!pcn_template_split(text, &p))
		return pcn_fail(error, file, pcn_line_at(text, p.block ? p.block : p.end),
				"{#objects} and {/objects} must come once each, in that order");
	g_strv_builder_addv(both, (const char **)pcn_variables);
	g_strv_builder_addv(both, (const char **)pcn_object_variables);
	inner = g_strv_builder_end(both);
	if (p.block == NULL)
		return pcn_check_part(text, text, strlen(text), pcn_variables, file, error) &&
		       pcn_check_subject(text, file, error);
	return pcn_check_part(text, text, p.block - text, pcn_variables, file, error) &&
	       pcn_check_part(text, p.block + strlen(PCN_BLOCK_OPEN),
			      p.end - p.block - strlen(PCN_BLOCK_OPEN),
			      (const char *const *)inner, file, error) &&
	       pcn_check_part(text, p.end + strlen(PCN_BLOCK_CLOSE),
			      strlen(p.end + strlen(PCN_BLOCK_CLOSE)), pcn_variables, file, error) &&
	       pcn_check_subject(text, file, error);
}

static void
pcn_set_free(gpointer data)
{
	char **set = data;

	for (guint i = 0; i < PCN_PARTY_COUNT; i++)
		g_free(set[i]);
	g_free(set);
}

static gboolean
pcn_load_language(PcnTemplates *t, const char *dir, const char *language, GError **error)
{
	char **set = g_new0(char *, PCN_PARTY_COUNT);

	g_hash_table_insert(t->languages, g_strdup(language), set);
	for (guint i = 0; i < PCN_PARTY_COUNT; i++) {
		g_autofree char *path = g_build_filename(dir, language, pcn_party_files[i], NULL);
		g_autoptr(GError) local = NULL;

		if (!g_file_get_contents(path, &set[i], NULL, &local)) {
			g_set_error(error, PCN_ERROR, 0, "%s", local->message);
			return FALSE;
		}
		if (!pcn_template_check(set[i], path, error))
			return FALSE;
	}
	return TRUE;
}

static PcnTemplates *
pcn_templates_new(void)
{
	PcnTemplates *t = g_new0(PcnTemplates, 1);

	t->languages = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pcn_set_free);
	return t;
}

static PcnTemplates *
pcn_templates_builtin(void)
{
	PcnTemplates *t = pcn_templates_new();
	char **set = g_new0(char *, PCN_PARTY_COUNT);

	for (guint i = 0; i < PCN_PARTY_COUNT; i++)
		set[i] = g_strdup(pcn_builtin_en[i]);
	g_hash_table_insert(t->languages, g_strdup("en"), set);
	return t;
}

PcnTemplates *
pcn_templates_load(const char *dir, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) d = NULL;
	PcnTemplates *t;
	const char *name;

	if (dir == NULL)
		return pcn_templates_builtin();
	d = g_dir_open(dir, 0, &local);
	if (d == NULL) {
		g_set_error(error, PCN_ERROR, 0, "[notify] templates_dir: %s", local->message);
		return NULL;
	}
	t = pcn_templates_new();
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *sub = g_build_filename(dir, name, NULL);

		if (*name == '.' || !g_file_test(sub, G_FILE_TEST_IS_DIR))
			continue;
		if (!pcn_load_language(t, dir, name, error)) {
			pcn_templates_free(t);
			return NULL;
		}
	}
	return t;
}

gboolean
pcn_templates_has_language(const PcnTemplates *templates, const char *language)
{
	return g_hash_table_contains(templates->languages, language);
}

const char *
pcn_templates_get(const PcnTemplates *templates, const char *language, PcnParty party)
{
	char **set = g_hash_table_lookup(templates->languages, language);

	return set ? set[party] : NULL;
}

void
pcn_templates_free(PcnTemplates *templates)
{
	if (templates == NULL)
		return;
	g_hash_table_unref(templates->languages);
	g_free(templates);
}
