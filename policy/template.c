/*
 * NAME
 *	template.c - render and validate {variable} templates
 */
#include "config.h"

#include <string.h>

#include "template.h"

G_DEFINE_QUARK(pc-template-error-quark, pc_template_error)

const char *const pc_placeholder_variables[] = {
	"filename", "path", "status", "reason", "signature", "type", "detected", "size",
	"hostname", NULL,
};

const char *const pc_disclaimer_variables[] = { "hostname", NULL };

const char pc_placeholder_default[] =
	"This part of the message was removed by the mail filter on {hostname}.\n"
	"\n"
	"  File:    {filename}\n"
	"  Type:    {type} (content: {detected}), {size} bytes\n"
	"  Status:  {status}\n"
	"  Reason:  {reason}\n"
	"\n"
	"If you need this file, ask the sender to send it another way, or ask\n"
	"your mail administrator.\n";

/* Calls visit(name, len) for each {name}; stops and returns FALSE with
 * the line number when a brace is not closed. */
static gboolean
pc_template_scan(const char *text, guint *line,
		 gboolean (*visit)(const char *name, gsize len, gpointer data), gpointer data)
{
	*line = 1;
	for (const char *p = text; *p; p++) {
		const char *end;

		if (*p == '\n')
			(*line)++;
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		end = strpbrk(p + 1, "}\n");
		if (end == NULL || *end != '}')
			return FALSE;
		if (!visit(p + 1, end - p - 1, data))
			return FALSE;
		p = end;
	}
	return TRUE;
}

static gboolean
pc_template_known(const char *name, gsize len, gpointer data)
{
	const char *const *variables = data;

	for (guint i = 0; variables[i] != NULL; i++)
		if (strlen(variables[i]) == len && strncmp(variables[i], name, len) == 0)
			return TRUE;
	return FALSE;
}

gboolean
pc_template_check(const char *text, const char *const *variables, GError **error)
{
	guint line = 0;
	g_autofree char *list = NULL;

	if (!g_utf8_validate(text, -1, NULL)) {
		g_set_error(error, PC_TEMPLATE_ERROR, 0, "not valid UTF-8");
		return FALSE;
	}
	if (pc_template_scan(text, &line, pc_template_known, (gpointer)variables))
		return TRUE;
	list = g_strjoinv("} {", (char **)variables);
	g_set_error(error, PC_TEMPLATE_ERROR, (gint)line,
		    "line %u: unknown variable or unclosed '{' (known: {%s})", line, list);
	return FALSE;
}

char *
pc_template_render(const char *text, const char *const *names, const char *const *values)
{
	GString *out = g_string_new(NULL);

	for (const char *p = text; *p; p++) {
		const char *end;

		if (*p == '{' && p[1] == '{') {
			g_string_append_c(out, '{');
			p++;
			continue;
		}
		if (*p != '{' || (end = strchr(p + 1, '}')) == NULL) {
			g_string_append_c(out, *p);
			continue;
		}
		for (guint i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == (gsize)(end - p - 1) &&
			    strncmp(names[i], p + 1, end - p - 1) == 0)
				g_string_append(out, values[i] ? values[i] : "");
		p = end;
	}
	return g_string_free(out, FALSE);
}
