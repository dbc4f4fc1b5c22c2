/*
 * NAME
 *	parse.c - GMime's parse of a message, as a tree of PcObjects
 * DESCRIPTION
 *	See mime.h.  Paths follow IMAP (object.h).  Offsets come from GMime
 *	itself: a part's content is a window on the raw message (a substream
 *	with bound_start/bound_end) and every header records where it began,
 *	so rewriting can splice bytes instead of re-serialising anything.
 * DIAGNOSTICS
 *	Parser warnings that can make two parsers disagree on where parts
 *	begin and end (broken or missing boundaries, truncation, conflicting
 *	headers or parameters, nesting overflow) are counted; a message that
 *	GMime cannot parse at all still gets one object, "1", for the raw
 *	bytes, so it is never treated as empty.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "mime.h"

void
pc_mime_global_init(void)
{
	g_mime_init();
}

/* Warnings after which GMime and libclamav may cut the message into
 * different parts. */
static gboolean
pc_mime_warning_is_structural(GMimeParserWarning code)
{
	switch (code) {
	case GMIME_WARN_DUPLICATED_HEADER:
	case GMIME_WARN_DUPLICATED_PARAMETER:
	case GMIME_WARN_INVALID_CONTENT_TYPE:
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_TRUNCATED_MESSAGE:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_CRIT_INVALID_HEADER_NAME:
	case GMIME_CRIT_CONFLICTING_HEADER:
	case GMIME_CRIT_CONFLICTING_PARAMETER:
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_NESTING_OVERFLOW:
	case GMIME_WARN_PART_WITHOUT_CONTENT:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		return TRUE;
	default:
		return FALSE;
	}
}

static const char *
pc_mime_warning_name(GMimeParserWarning code)
{
	static const char *const names[] = {
		[GMIME_WARN_DUPLICATED_HEADER] = "duplicated-header",
		[GMIME_WARN_DUPLICATED_PARAMETER] = "duplicated-parameter",
		[GMIME_WARN_UNENCODED_8BIT_HEADER] = "8bit-header",
		[GMIME_WARN_INVALID_CONTENT_TYPE] = "invalid-content-type",
		[GMIME_WARN_INVALID_RFC2047_HEADER_VALUE] = "invalid-rfc2047",
		[GMIME_WARN_MALFORMED_MULTIPART] = "malformed-multipart",
		[GMIME_WARN_TRUNCATED_MESSAGE] = "truncated",
		[GMIME_WARN_MALFORMED_MESSAGE] = "malformed-message",
		[GMIME_CRIT_INVALID_HEADER_NAME] = "invalid-header-name",
		[GMIME_CRIT_CONFLICTING_HEADER] = "conflicting-header",
		[GMIME_CRIT_CONFLICTING_PARAMETER] = "conflicting-parameter",
		[GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY] = "multipart-without-boundary",
		[GMIME_WARN_INVALID_PARAMETER] = "invalid-parameter",
		[GMIME_WARN_INVALID_ADDRESS_LIST] = "invalid-address-list",
		[GMIME_CRIT_NESTING_OVERFLOW] = "nesting-overflow",
		[GMIME_WARN_PART_WITHOUT_CONTENT] = "part-without-content",
		[GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT] = "part-without-headers-or-content",
	};

	if ((guint)code < G_N_ELEMENTS(names) && names[code] != NULL)
		return names[code];
	return "unknown";
}

static void
pc_mime_on_warning(gint64 offset, GMimeParserWarning code, const char *item, gpointer data)
{
	PcMime *mime = data;
	const char *name = pc_mime_warning_name(code);

	(void)offset;
	(void)item;
	if (!pc_mime_warning_is_structural(code))
		return;
	mime->structural_warnings++;
	/* Each kind once: a header with 10,000 bad parameters is one line. */
	if (strstr(mime->warnings->str, name) == NULL && mime->warnings->len < 200)
		g_string_append_printf(mime->warnings, "%s%s", mime->warnings->len ? "," : "",
				       name);
}

/* Lower-case value of a header, trimmed; "" when absent. */
static char *
pc_mime_header_lower(GMimeObject *entity, const char *name)
{
	const char *value = g_mime_object_get_header(entity, name);
	g_autofree char *copy = g_strstrip(g_strdup(value ? value : ""));

	return g_ascii_strdown(copy, -1);
}

static gint64
pc_mime_first_header_offset(GMimeObject *entity)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(entity);
	int count = list ? g_mime_header_list_get_count(list) : 0;
	gint64 first = -1;

	for (int i = 0; i < count; i++) {
		gint64 off = g_mime_header_get_offset(g_mime_header_list_get_header_at(list, i));

		if (off >= 0 && (first < 0 || off < first))
			first = off;
	}
	return first;
}

/* A part with no header lines starts with the empty line before its body. */
static gint64
pc_mime_part_start(const PcMime *mime, GMimeObject *entity, gint64 body_start)
{
	gint64 first = pc_mime_first_header_offset(entity);
	const guint8 *raw = mime->window->data;

	if (first >= 0 || body_start <= 0)
		return first;
	first = body_start - 1;
	if (first > 0 && raw[first - 1] == '\r')
		first--;
	return first;
}

static void
pc_mime_set_leaf_bounds(const PcMime *mime, GMimeObject *entity, PcObject *object)
{
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(entity));
	GMimeStream *stream = content ? g_mime_data_wrapper_get_stream(content) : NULL;

	if (stream == NULL)
		return;
	object->body_start = stream->bound_start;
	object->body_end = stream->bound_end >= 0 ? stream->bound_end : (gint64)mime->window->len;
	object->header_start = pc_mime_part_start(mime, entity, object->body_start);
}

/* The charset parameter, lower case, when it is an RFC 2045 token; else
 * "".  GMime decodes encoded words inside parameters, so the value can hold
 * anything, line breaks included, and the rewrite writes it back into a
 * part's header (found by fuzz-rewrite: a header line injected that way). */
static char *
pc_mime_charset(GMimeContentType *type)
{
	const char *value = type ? g_mime_content_type_get_parameter(type, "charset") : NULL;

	if (value == NULL || *value == '\0')
		return g_strdup("");
	for (const char *p = value; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("()<>@,;:\\\"/[]?=", *p) != NULL)
			return g_strdup("");
	return g_ascii_strdown(value, -1);
}

static PcObject *
pc_mime_add_object(PcMime *mime, PcVerdict *verdict, GMimeObject *entity, const char *path,
		   guint depth, const char *boundary)
{
	PcObject *object = pc_object_new(path);
	GMimeContentType *type = g_mime_object_get_content_type(entity);
	GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(entity);
	g_autofree char *mime_type = type ? g_mime_content_type_get_mime_type(type) : NULL;

	object->declared_type = g_ascii_strdown(mime_type ? mime_type : "text/plain", -1);
	object->encoding = pc_mime_header_lower(entity, "Content-Transfer-Encoding");
	object->charset = pc_mime_charset(type);
	object->depth = depth;
	object->boundary = g_strdup(boundary);
	object->container = GMIME_IS_MULTIPART(entity) || GMIME_IS_MESSAGE_PART(entity);
	if (!object->container) {
		g_ptr_array_unref(object->names);
		object->names = pc_mime_names(entity);
		object->attachment = object->names->len > 0 ||
			(disposition != NULL &&
			 g_ascii_strcasecmp(g_mime_content_disposition_get_disposition(disposition),
					    "attachment") == 0);
		if (GMIME_IS_PART(entity))
			pc_mime_set_leaf_bounds(mime, entity, object);
	}
	g_ptr_array_add(verdict->objects, object);
	g_ptr_array_add(mime->entities, entity);
	return object;
}

/* End of the header field starting at offset: its last continuation line. */
static gint64
pc_mime_field_end(const PcMime *mime, gint64 offset)
{
	const char *raw = (const char *)mime->window->data;
	gint64 len = (gint64)mime->window->len, p = offset;

	do {
		const char *nl = memchr(raw + p, '\n', len - p);

		p = nl ? nl + 1 - raw : len;
	} while (p < len && (raw[p] == ' ' || raw[p] == '\t'));
	return p;
}

static gboolean
pc_mime_has_alternate(const PcMime *mime, const char *boundary)
{
	for (guint i = 0; i < mime->alternates->len; i++)
		if (strcmp(g_array_index(mime->alternates, PcAltBoundary, i).boundary, boundary) == 0)
			return TRUE;
	return FALSE;
}

/* Every boundary= value of every Content-Type field of a multipart that is
 * not the one GMime used (duplicated parameters or duplicated fields); each
 * value once, at most 8: each costs a scan of the whole message. */
static void
pc_mime_note_boundaries(PcMime *mime, GMimeObject *entity, const char *used)
{
	static GRegex *boundary_param;
	GMimeHeaderList *list = g_mime_object_get_header_list(entity);
	int count = list ? g_mime_header_list_get_count(list) : 0;

	if (g_once_init_enter(&boundary_param))
		g_once_init_leave(&boundary_param, g_regex_new(
			"boundary\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))", G_REGEX_CASELESS, 0, NULL));
	for (int i = 0; i < count; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
		g_autoptr(GMatchInfo) match = NULL;

		if (g_ascii_strcasecmp(g_mime_header_get_name(header), "Content-Type") != 0 ||
		    g_mime_header_get_offset(header) < 0)
			continue;
		g_regex_match(boundary_param, g_mime_header_get_raw_value(header), 0, &match);
		for (; g_match_info_matches(match) && mime->alternates->len < 8;
		     g_match_info_next(match, NULL)) {
			g_autofree char *quoted = g_match_info_fetch(match, 1);
			g_autofree char *token = g_match_info_fetch(match, 2);
			const char *value = quoted && *quoted ? quoted : token;
			PcAltBoundary alt;

			if (value == NULL || *value == '\0' || g_strcmp0(value, used) == 0 ||
			    pc_mime_has_alternate(mime, value))
				continue;
			alt.start = g_mime_header_get_offset(header);
			alt.end = pc_mime_field_end(mime, alt.start);
			alt.type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(entity));
			alt.boundary = g_strdup(value);
			g_array_append_val(mime->alternates, alt);
		}
	}
}

GByteArray *
pc_mime_with_boundary(const guint8 *data, gsize len, const PcAltBoundary *alt)
{
	g_autofree char *field = g_strdup_printf("Content-Type: %s; boundary=\"%s\"\r\n", alt->type,
						 alt->boundary);
	GByteArray *out = g_byte_array_sized_new((guint)(len + strlen(field)));

	g_byte_array_append(out, data, (guint)alt->start);
	g_byte_array_append(out, (const guint8 *)field, (guint)strlen(field));
	g_byte_array_append(out, data + alt->end, (guint)(len - alt->end));
	return out;
}

static char *
pc_mime_child_path(const char *prefix, guint index)
{
	return *prefix ? g_strdup_printf("%s.%u", prefix, index) : g_strdup_printf("%u", index);
}

typedef struct {
	PcMime *mime;
	PcVerdict *verdict;
	guint max_depth;
	guint max_parts;
	gboolean depth_reported;
	gboolean parts_reported;
} PcMimeWalk;

/* Past either limit an entity is not walked; the first time, the message
 * gets an unscannable finding, so what was not looked at is never clean. */
static gboolean
pc_mime_over_limit(PcMimeWalk *walk, guint depth)
{
	if (depth > walk->max_depth) {
		if (!walk->depth_reported)
			pc_verdict_add(walk->verdict, "mime", PC_STATUS_UNSCANNABLE, "message", NULL,
				       "limit:mime-depth");
		walk->depth_reported = TRUE;
		return TRUE;
	}
	if (walk->mime->entities->len >= walk->max_parts) {
		if (!walk->parts_reported)
			pc_verdict_add(walk->verdict, "mime", PC_STATUS_UNSCANNABLE, "message", NULL,
				       "limit:mime-parts");
		walk->parts_reported = TRUE;
		return TRUE;
	}
	return FALSE;
}

static void pc_mime_walk(PcMimeWalk *walk, GMimeObject *entity, const char *path,
			 const char *prefix, guint depth, const char *boundary);

static void
pc_mime_walk_message(PcMimeWalk *walk, GMimeMessage *message, const char *prefix, guint depth)
{
	GMimeObject *body = message ? g_mime_message_get_mime_part(message) : NULL;
	g_autofree char *path = NULL;

	if (body == NULL)
		return;
	path = GMIME_IS_MULTIPART(body) ? g_strdup_printf("%s%s0", prefix, *prefix ? "." : "") :
					  pc_mime_child_path(prefix, 1);
	pc_mime_walk(walk, body, path, prefix, depth, NULL);
}

static void
pc_mime_walk(PcMimeWalk *walk, GMimeObject *entity, const char *path, const char *prefix,
	     guint depth, const char *boundary)
{
	if (pc_mime_over_limit(walk, depth))
		return;
	pc_mime_add_object(walk->mime, walk->verdict, entity, path, depth, boundary);
	if (GMIME_IS_MULTIPART(entity)) {
		GMimeMultipart *multipart = GMIME_MULTIPART(entity);
		const char *inner = g_mime_multipart_get_boundary(multipart);
		int count = g_mime_multipart_get_count(multipart);

		pc_mime_note_boundaries(walk->mime, entity, inner);
		for (int i = 0; i < count && !walk->parts_reported; i++) {
			g_autofree char *child = pc_mime_child_path(prefix, (guint)i + 1);

			pc_mime_walk(walk, g_mime_multipart_get_part(multipart, i), child, child,
				     depth + 1, inner);
		}
	} else if (GMIME_IS_MESSAGE_PART(entity)) {
		pc_mime_walk_message(walk, g_mime_message_part_get_message(GMIME_MESSAGE_PART(entity)),
				     path, depth + 1);
	}
}

/* GMime gives the start of the empty line that ends the header block. */
static gint64
pc_mime_body_offset(const PcMime *mime, GMimeParser *parser)
{
	gint64 end = g_mime_parser_get_headers_end(parser);
	const guint8 *raw = mime->window->data;
	gint64 len = (gint64)mime->window->len;

	if (end < 0 || end > len)
		return len;
	if (end < len && raw[end] == '\r')
		end++;
	if (end < len && raw[end] == '\n')
		end++;
	return end;
}

/* A change to the body breaks an S/MIME or PGP signature, and a DKIM
 * signature (whose bh= covers the body). */
static gboolean
pc_mime_is_signed(GMimeMessage *message)
{
	GMimeObject *body = g_mime_message_get_mime_part(message);
	GMimeContentType *type = body ? g_mime_object_get_content_type(body) : NULL;

	if (g_mime_object_get_header(GMIME_OBJECT(message), "DKIM-Signature") != NULL)
		return TRUE;
	return type != NULL && (g_mime_content_type_is_type(type, "multipart", "signed") ||
				g_mime_content_type_is_type(type, "application", "pkcs7-mime") ||
				g_mime_content_type_is_type(type, "application", "x-pkcs7-mime"));
}

static void
pc_mime_alt_clear(gpointer data)
{
	PcAltBoundary *alt = data;

	g_free(alt->type);
	g_free(alt->boundary);
}

void
pc_mime_parse(const guint8 *data, gsize len, guint max_depth, guint max_parts,
	      PcVerdict *verdict, PcMime *mime)
{
	g_autoptr(GMimeParser) parser = NULL;
	GMimeParserOptions *options = g_mime_parser_options_new();
	PcMimeWalk walk = { mime, verdict, max_depth, max_parts, FALSE, FALSE };

	memset(mime, 0, sizeof(*mime));
	mime->entities = g_ptr_array_new();
	mime->warnings = g_string_new(NULL);
	mime->alternates = g_array_new(FALSE, TRUE, sizeof(PcAltBoundary));
	g_array_set_clear_func(mime->alternates, pc_mime_alt_clear);
	/* A window on the caller's bytes: GMime reads it, nobody frees it. */
	mime->window = g_byte_array_new_take((guint8 *)data, len);
	mime->stream = g_mime_stream_mem_new_with_byte_array(mime->window);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mime->stream), FALSE);
	parser = g_mime_parser_new_with_stream(mime->stream);
	g_mime_parser_options_set_warning_callback(options, pc_mime_on_warning, mime);
	mime->message = g_mime_parser_construct_message(parser, options);
	g_mime_parser_options_free(options);
	if (mime->message == NULL) {
		/* Nothing GMime recognises as a message: the raw bytes are one part. */
		PcObject *raw = pc_object_new("1");

		raw->declared_type = g_strdup("application/octet-stream");
		raw->encoding = g_strdup("");
		g_ptr_array_add(verdict->objects, raw);
		g_ptr_array_add(mime->entities, NULL);
		pc_verdict_add(verdict, "mime", PC_STATUS_CLEAN, "1", NULL, "not a MIME message");
		mime->structural_warnings++;
		return;
	}
	verdict->body_offset = mime->body_offset = pc_mime_body_offset(mime, parser);
	verdict->signed_body = pc_mime_is_signed(mime->message);
	pc_mime_walk_message(&walk, mime->message, "", 0);
}

void
pc_mime_clear(PcMime *mime)
{
	g_clear_object(&mime->message);
	g_clear_object(&mime->stream);
	if (mime->window != NULL)
		g_byte_array_free(g_steal_pointer(&mime->window), FALSE);
	g_clear_pointer(&mime->entities, g_ptr_array_unref);
	g_clear_pointer(&mime->alternates, g_array_unref);
	if (mime->warnings != NULL)
		g_string_free(g_steal_pointer(&mime->warnings), TRUE);
}

/* Large parts are decoded into an unlinked temp file, then mapped. */
static gboolean
pc_mime_decode_to_file(GMimeDataWrapper *content, const char *tmp_dir, PcBlob *blob,
		       GError **error)
{
	g_autofree char *path = g_build_filename(tmp_dir ? tmp_dir : g_get_tmp_dir(),
						 "portcullis-part-XXXXXX", NULL);
	g_autoptr(GMimeStream) out = NULL;
	gint64 size;

	blob->fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
	if (blob->fd < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot create a temp file in %s: %s", tmp_dir, g_strerror(errno));
		return FALSE;
	}
	g_unlink(path);
	out = g_mime_stream_fs_new(blob->fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(out), FALSE);
	size = g_mime_data_wrapper_write_to_stream(content, out);
	if (size < 0 || g_mime_stream_flush(out) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
			    "cannot write a decoded part to %s: %s", tmp_dir, g_strerror(errno));
		return FALSE;
	}
	blob->len = (gsize)size;
	if (size == 0)
		return TRUE;
	blob->map = mmap(NULL, blob->len, PROT_READ, MAP_PRIVATE, blob->fd, 0);
	if (blob->map == MAP_FAILED) {
		blob->map = NULL;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot map a decoded part: %s", g_strerror(errno));
		return FALSE;
	}
	blob->data = blob->map;
	return TRUE;
}

gboolean
pc_mime_decode(GMimeObject *leaf, guint64 memory_max, const char *tmp_dir, PcBlob *blob,
	       GError **error)
{
	GMimeDataWrapper *content = GMIME_IS_PART(leaf) ? g_mime_part_get_content(GMIME_PART(leaf))
							: NULL;
	GMimeStream *raw = content ? g_mime_data_wrapper_get_stream(content) : NULL;
	g_autoptr(GMimeStream) out = NULL;

	memset(blob, 0, sizeof(*blob));
	blob->fd = -1;
	blob->data = (const guint8 *)"";
	if (raw == NULL)
		return TRUE;
	/* Decoding never grows base64 or quoted-printable: the encoded length
	 * bounds the decoded one. */
	if (memory_max > 0 && (guint64)g_mime_stream_length(raw) > memory_max)
		return pc_mime_decode_to_file(content, tmp_dir, blob, error);
	blob->mem = g_byte_array_new();
	out = g_mime_stream_mem_new_with_byte_array(blob->mem);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(out), FALSE);
	if (g_mime_data_wrapper_write_to_stream(content, out) < 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "cannot decode a part");
		return FALSE;
	}
	blob->data = blob->mem->data ? blob->mem->data : (const guint8 *)"";
	blob->len = blob->mem->len;
	return TRUE;
}

void
pc_blob_clear(PcBlob *blob)
{
	if (blob->map != NULL)
		munmap(blob->map, blob->len);
	if (blob->fd >= 0)
		close(blob->fd);
	if (blob->mem != NULL)
		g_byte_array_unref(blob->mem);
	memset(blob, 0, sizeof(*blob));
	blob->fd = -1;
}
