/*
 * NAME
 *	filter.c - the attachment filter
 * DESCRIPTION
 *	After every part has been typed and scanned, each leaf is checked
 *	against the policy's filter (PcFilterPolicy).  A match adds a
 *	"filter" finding with status filtered on the part; its name says
 *	which rule matched, its detail which file name or type:
 *	  name:<glob>        a file name of the part, or of a file inside its
 *	                     archives, matches name_include and no name_exclude
 *	  type:<glob>        the declared or detected type matches
 *	                     type_include and no type_exclude
 *	  executable         the content (or a file inside) is a program:
 *	                     PE, ELF, Mach-O, MSI, shell or batch script
 *	  type-mismatch      content is a program, but neither the declared
 *	                     type nor the file name admits it (invoice.pdf)
 *	  double-extension   report.pdf.exe, report.pdf     .exe, or a name
 *	                     with a right-to-left override that hides one
 *	  size               decoded size above max_attachment_size
 *	Globs are case-insensitive and match the whole name.
 */
#include "config.h"

#include <string.h>

#include "check.h"

/* Extensions that run when opened on common desktops. */
static const char *const pc_filter_exec_ext[] = {
	"exe", "scr", "com", "pif", "bat", "cmd", "cpl", "msi", "msp", "vbs", "vbe", "js",
	"jse", "wsf", "wsh", "hta", "jar", "ps1", "lnk", "reg", "dll", "sys", NULL,
};

/* Extensions people trust: what a double extension pretends to be. */
static const char *const pc_filter_doc_ext[] = {
	"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf", "txt", "csv",
	"jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "mp3", "mp4", "avi", "mov", "zip",
	"rar", "7z", "htm", "html", "xml", "eml", NULL,
};

/* libmagic's types of programs. */
static const char *const pc_filter_exec_types[] = {
	"application/x-dosexec", "application/vnd.microsoft.portable-executable",
	"application/x-msdownload", "application/x-executable", "application/x-sharedlib",
	"application/x-pie-executable", "application/x-mach-binary", "application/x-msi",
	"application/x-ms-installer", "text/x-shellscript", "text/x-msdos-batch",
	"application/x-elf", NULL,
};

/* libclamav's types of programs, for files inside archives. */
static const char *const pc_filter_exec_cltypes[] = {
	"CL_TYPE_MSEXE", "CL_TYPE_ELF", "CL_TYPE_MACHO", "CL_TYPE_MACHO_UNIBIN", NULL,
};

/* Declared types under which a program may honestly travel. */
static const char *const pc_filter_exec_declared[] = {
	"application/octet-stream", "application/x-msdownload", "application/x-dosexec",
	"application/x-executable", "application/x-msi", "application/x-sh",
	"application/x-shellscript", "text/x-shellscript", "application/x-bat",
	"application/vnd.microsoft.portable-executable", "application/x-mach-binary", NULL,
};

typedef struct {
	PcScan *scan;
	PcObject *object;
	const PcFilterPolicy *filter;
} PcFilterRun;

static void
pc_filter_hit(PcFilterRun *run, const char *rule, const char *detail)
{
	pc_verdict_add(run->scan->verdict, "filter", PC_STATUS_FILTERED, run->object->path,
		       rule, detail);
}

static char *
pc_filter_fold(const char *text)
{
	return g_utf8_casefold(text, -1);
}

/* The first glob of list that text matches, or NULL. */
static const char *
pc_filter_match(char *const *list, const char *text)
{
	g_autofree char *folded = NULL;

	if (list == NULL || text == NULL)
		return NULL;
	folded = pc_filter_fold(text);
	for (guint i = 0; list[i] != NULL; i++) {
		g_autofree char *glob = pc_filter_fold(list[i]);

		if (g_pattern_match_simple(glob, folded))
			return list[i];
	}
	return NULL;
}

static const char *
pc_filter_included(char *const *include, char *const *exclude, const char *text)
{
	const char *glob = pc_filter_match(include, text);

	return glob != NULL && pc_filter_match(exclude, text) == NULL ? glob : NULL;
}

/* Bidirectional controls make "exe.pdf" display for "fdp.exe". */
static gboolean
pc_filter_has_bidi(const char *name)
{
	for (const char *p = name; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
			return TRUE;
	}
	return FALSE;
}

/* Lower-case extension before position end, spaces and dots trimmed. */
static char *
pc_filter_ext_before(const char *name, const char **end)
{
	const char *stop = *end;
	const char *dot;

	while (stop > name && (stop[-1] == ' ' || stop[-1] == '.' || stop[-1] == '\t'))
		stop--;
	dot = g_strrstr_len(name, stop - name, ".");
	if (dot == NULL)
		return NULL;
	*end = dot;
	return g_ascii_strdown(dot + 1, stop - dot - 1);
}

gboolean
pc_filter_double_extension(const char *name)
{
	const char *end = name + strlen(name);
	g_autofree char *last = pc_filter_ext_before(name, &end);
	g_autofree char *before = NULL;

	if (pc_filter_has_bidi(name))
		return TRUE;
	if (last == NULL || !g_strv_contains(pc_filter_exec_ext, last))
		return FALSE;
	before = pc_filter_ext_before(name, &end);
	return before != NULL && g_strv_contains(pc_filter_doc_ext, g_strstrip(before));
}

gboolean
pc_filter_is_exec_name(const char *name)
{
	const char *end = name + strlen(name);
	g_autofree char *ext = pc_filter_ext_before(name, &end);

	return ext != NULL && g_strv_contains(pc_filter_exec_ext, ext);
}

gboolean
pc_filter_type_mismatch(const char *declared, const char *detected, const char *name)
{
	if (detected == NULL || !g_strv_contains(pc_filter_exec_types, detected))
		return FALSE;
	if (name != NULL)
		return !pc_filter_is_exec_name(name);
	return !g_strv_contains(pc_filter_exec_declared, declared);
}

static void
pc_filter_names(PcFilterRun *run)
{
	const PcFilterPolicy *f = run->filter;
	GPtrArray *names = run->object->names;
	GPtrArray *inner = run->object->inner;

	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		const char *glob = pc_filter_included(f->name_include, f->name_exclude, name);
		g_autofree char *rule = glob ? g_strconcat("name:", glob, NULL) : NULL;

		if (glob != NULL)
			pc_filter_hit(run, rule, name);
		if (f->double_extension && pc_filter_double_extension(name))
			pc_filter_hit(run, "double-extension", name);
	}
	for (guint i = 0; i < inner->len; i++) {
		const PcInnerFile *file = g_ptr_array_index(inner, i);
		const char *glob = pc_filter_included(f->name_include, f->name_exclude, file->name);
		g_autofree char *rule = glob ? g_strconcat("name:", glob, NULL) : NULL;
		g_autofree char *where = g_strdup_printf("%s/%s",
			pc_object_name(run->object) ? pc_object_name(run->object) : run->object->path,
			file->name ? file->name : "(unnamed)");

		if (glob != NULL)
			pc_filter_hit(run, rule, where);
		if (f->double_extension && file->name && pc_filter_double_extension(file->name))
			pc_filter_hit(run, "double-extension", where);
		if (f->executables && g_strv_contains(pc_filter_exec_cltypes, file->type))
			pc_filter_hit(run, "executable", where);
	}
}

static void
pc_filter_types(PcFilterRun *run)
{
	const PcFilterPolicy *f = run->filter;
	const PcObject *object = run->object;
	const char *types[] = { object->declared_type, object->detected_type };

	for (guint i = 0; i < G_N_ELEMENTS(types); i++) {
		const char *glob = pc_filter_included(f->type_include, f->type_exclude, types[i]);
		g_autofree char *rule = glob ? g_strconcat("type:", glob, NULL) : NULL;

		if (glob != NULL) {
			pc_filter_hit(run, rule, types[i]);
			break;
		}
	}
	if (f->executables && object->detected_type != NULL &&
	    g_strv_contains(pc_filter_exec_types, object->detected_type))
		pc_filter_hit(run, "executable", object->detected_type);
	if (f->type_mismatch && pc_filter_type_mismatch(object->declared_type,
							object->detected_type,
							pc_object_name(object))) {
		g_autofree char *detail = g_strdup_printf("%s declared %s is %s",
			pc_object_name(object) ? pc_object_name(object) : object->path,
			object->declared_type, object->detected_type);

		pc_filter_hit(run, "type-mismatch", detail);
	}
	if (f->max_attachment_size > 0 && object->size > f->max_attachment_size) {
		g_autofree char *detail = g_strdup_printf("%" G_GUINT64_FORMAT " bytes",
							  object->size);

		pc_filter_hit(run, "size", detail);
	}
}

static gboolean
pc_filter_scan_message(gpointer state, PcScan *scan, GError **error)
{
	(void)state;
	(void)error;
	for (guint i = 0; scan->policy->filter_enabled && i < scan->verdict->objects->len; i++) {
		PcFilterRun run = { scan, g_ptr_array_index(scan->verdict->objects, i),
				    &scan->policy->filter };

		if (run.object->container)
			continue;
		pc_filter_names(&run);
		pc_filter_types(&run);
	}
	return TRUE;
}

static gpointer
pc_filter_create(const PcEngineOptions *options, GError **error)
{
	(void)options;
	(void)error;
	return GINT_TO_POINTER(1);
}

static void
pc_filter_destroy(gpointer state)
{
	(void)state;
}

const PcCheck pc_check_filter = {
	.name = "filter",
	.stage = PC_STAGE_FILTER,
	.create = pc_filter_create,
	.scan_message = pc_filter_scan_message,
	.destroy = pc_filter_destroy,
};
