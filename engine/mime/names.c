/*
 * NAME
 *	names.c - the file names a MIME part carries
 * DESCRIPTION
 *	A part can name its file twice: Content-Disposition "filename" and
 *	the older Content-Type "name".  Mail clients disagree on which wins,
 *	so the attachment filter must see both when they differ.  GMime has
 *	already joined RFC 2231 continuations, converted their charset and
 *	decoded RFC 2047 words; names are made valid UTF-8 so that a hostile
 *	byte sequence cannot hide an extension from the filter, and control
 *	characters are dropped (pc_text_name): a decoded name can hold CR/LF,
 *	which would break out of a notice or a header it is written into.
 */
#include "config.h"

#include <portcullis/text.h>

#include "mime.h"

static void
pc_mime_add_name(GPtrArray *names, const char *name)
{
	g_autofree char *valid = NULL;

	if (name == NULL || *name == '\0')
		return;
	valid = pc_text_name(name);
	if (*valid == '\0')
		return;
	for (guint i = 0; i < names->len; i++)
		if (g_strcmp0(g_ptr_array_index(names, i), valid) == 0)
			return;
	g_ptr_array_add(names, g_steal_pointer(&valid));
}

GPtrArray *
pc_mime_names(GMimeObject *entity)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(entity);
	GMimeContentType *type = g_mime_object_get_content_type(entity);

	if (disposition != NULL)
		pc_mime_add_name(names, g_mime_content_disposition_get_parameter(disposition,
										  "filename"));
	if (type != NULL)
		pc_mime_add_name(names, g_mime_content_type_get_parameter(type, "name"));
	return names;
}
