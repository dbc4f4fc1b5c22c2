/*
 * NAME
 *	magic.c - the true type of each decoded part, with libmagic
 * DESCRIPTION
 *	Sets PcObject.detected_type to libmagic's MIME type of the decoded
 *	content ("application/x-dosexec"), which the attachment filter
 *	compares with the declared type and the file name.  Only the first
 *	PC_MAGIC_BYTES are examined: enough for every format libmagic knows
 *	by its header, and a 90 MB attachment costs no more than a small one.
 *
 *	libmagic's text tests cost about a millisecond per 5 KB, more than
 *	scanning the part.  A part that is body text (a declared text type, no
 *	file name, not an attachment) keeps its declared type without asking
 *	libmagic when libclamav, having just scanned it, also typed it as
 *	text, or (when libclamav did not scan it: scan_mode message, av off)
 *	when its first PC_MAGIC_SNIFF bytes hold no byte that plain text does
 *	not.  Anything else, every attachment included, is asked.
 * THREAD SAFETY
 *	A libmagic handle must not be used by two threads at once, and
 *	loading one costs milliseconds, so handles are kept in a pool:
 *	a scan borrows one and returns it.  The pool grows to the number of
 *	threads that ever scanned at the same time.
 * DIAGNOSTICS
 *	A magic database that does not load fails engine construction; a
 *	part libmagic cannot classify is "application/octet-stream".
 */
#include "config.h"

#include <magic.h>

#include "check.h"

#define PC_MAGIC_BYTES (1024 * 1024)
#define PC_MAGIC_SNIFF 512
#define PC_MAGIC_FLAGS (MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS)

typedef struct {
	GMutex lock;
	GPtrArray *idle;	/* magic_t */
} PcMagic;

static magic_t
pc_magic_open(GError **error)
{
	magic_t handle = magic_open(PC_MAGIC_FLAGS);

	if (handle == NULL || magic_load(handle, NULL) != 0) {
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_INIT,
			    "libmagic: cannot load the magic database: %s",
			    handle ? magic_error(handle) : "out of memory");
		if (handle != NULL)
			magic_close(handle);
		return NULL;
	}
	return handle;
}

static gpointer
pc_magic_create(const PcEngineOptions *options, GError **error)
{
	PcMagic *pool = g_new0(PcMagic, 1);
	magic_t first;

	(void)options;
	g_mutex_init(&pool->lock);
	pool->idle = g_ptr_array_new_with_free_func((GDestroyNotify)magic_close);
	/* Load one now, so a broken magic database fails at start-up. */
	first = pc_magic_open(error);
	if (first == NULL) {
		g_ptr_array_unref(pool->idle);
		g_mutex_clear(&pool->lock);
		g_free(pool);
		return NULL;
	}
	g_ptr_array_add(pool->idle, first);
	return pool;
}

static void
pc_magic_destroy(gpointer state)
{
	PcMagic *pool = state;

	g_ptr_array_unref(pool->idle);
	g_mutex_clear(&pool->lock);
	g_free(pool);
}

static magic_t
pc_magic_borrow(PcMagic *pool, GError **error)
{
	magic_t handle = NULL;

	g_mutex_lock(&pool->lock);
	if (pool->idle->len > 0)
		handle = g_ptr_array_steal_index_fast(pool->idle, pool->idle->len - 1);
	g_mutex_unlock(&pool->lock);
	return handle ? handle : pc_magic_open(error);
}

static void
pc_magic_return(PcMagic *pool, magic_t handle)
{
	g_mutex_lock(&pool->lock);
	g_ptr_array_add(pool->idle, handle);
	g_mutex_unlock(&pool->lock);
}

/* Control bytes other than tab, line breaks, form feed and escape do not
 * occur in text; programs and archives have them in their first bytes. */
static gboolean
pc_magic_looks_like_text(const PcBlob *content)
{
	for (gsize i = 0; i < MIN(content->len, PC_MAGIC_SNIFF); i++) {
		guint8 c = content->data[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
			return FALSE;
	}
	return TRUE;
}

static gboolean
pc_magic_is_body_text(const PcObject *object, const PcBlob *content)
{
	static const char *const text_types[] = {
		"CL_TYPE_TEXT_ASCII", "CL_TYPE_TEXT_UTF8", "CL_TYPE_TEXT_UTF16LE",
		"CL_TYPE_TEXT_UTF16BE", "CL_TYPE_HTML", "CL_TYPE_HTML_UTF16", NULL,
	};

	if (object->attachment || !g_str_has_prefix(object->declared_type, "text/"))
		return FALSE;
	if (object->scanner_type != NULL)
		return g_strv_contains(text_types, object->scanner_type);
	return pc_magic_looks_like_text(content);
}

static gboolean
pc_magic_scan_part(gpointer state, PcScan *scan, PcObject *object, const PcBlob *content,
		   GError **error)
{
	PcMagic *pool = state;
	magic_t handle;
	const char *type;

	(void)scan;
	if (pc_magic_is_body_text(object, content)) {
		object->detected_type = g_strdup(object->declared_type);
		return TRUE;
	}
	if (content->len == 0) {
		object->detected_type = g_strdup("application/x-empty");
		return TRUE;
	}
	handle = pc_magic_borrow(pool, error);
	if (handle == NULL)
		return FALSE;
	type = magic_buffer(handle, content->data, MIN(content->len, PC_MAGIC_BYTES));
	/* No type is not "application/octet-stream": the type filter could not
	 * look at this part, so it is an error, not a pass. */
	if (type == NULL)
		g_set_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_SCAN, "libmagic: %s",
			    magic_error(handle) ? magic_error(handle) : "no type");
	else
		object->detected_type = g_strdup(type);
	pc_magic_return(pool, handle);
	return type != NULL;
}

const PcCheck pc_check_magic = {
	.name = "magic",
	.stage = PC_STAGE_TYPE,
	.create = pc_magic_create,
	.scan_part = pc_magic_scan_part,
	.destroy = pc_magic_destroy,
};
