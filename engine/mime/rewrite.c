/*
 * NAME
 *	rewrite.c - splice part edits into the raw message
 * DESCRIPTION
 *	See include/portcullis/rewrite.h.  Every edit becomes one or more
 *	byte ranges of the raw message replaced by new bytes; ranges are
 *	applied in order and everything between them is copied as it was.
 *	  placeholder  the part's Content-Type, Content-Transfer-Encoding and
 *	               Content-Disposition lines are replaced by a text/plain
 *	               set (other lines, e.g. Content-ID, stay), its body by
 *	               the notice, quoted-printable;
 *	  remove       from the start of the boundary line before the part to
 *	               the start of the boundary line after it;
 *	  rename       Content-Type and Content-Disposition lines re-encoded
 *	               by GMime with the new name (RFC 2231 when not ASCII).
 *	New text uses the line ending the message uses.  The top-level body
 *	of a single-part message cannot carry its own header lines inside
 *	the body, so there the Content-* changes are returned as header
 *	changes for the MTA.
 *	Sender text never makes a part: names are cleaned where they enter,
 *	no quoted-printable line written here starts with '-', and the result
 *	must hold exactly the delimiter lines of the message that no edit took
 *	out (pc_check_delimiters).
 * DIAGNOSTICS
 *	An edit whose offsets do not fit the message (a GMime offset the
 *	bytes do not confirm), or a result with a delimiter line too many or
 *	too few, fails the rewrite with an error: the caller tempfails rather
 *	than deliver a damaged message.
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>
#include <portcullis/rewrite.h>
#include <portcullis/text.h>

G_DEFINE_QUARK(pc-rewrite-error-quark, pc_rewrite_error)

typedef struct {
	gint64 start, end;	/* raw range replaced */
	GString *with;
} PcSplice;

typedef struct {
	const guint8 *raw;
	gsize len;
	const char *eol;	/* "\r\n" or "\n" */
	GArray *splices;	/* PcSplice */
	PcRewrite *result;
	GHashTable *boundaries;	/* of every multipart: the verdict's strings */
} PcRewriter;

static const char *const pc_content_fields[] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-Disposition", NULL,
};

static void
pc_splice(PcRewriter *rw, gint64 start, gint64 end, GString *with)
{
	PcSplice splice = { start, end, with };

	g_array_append_val(rw->splices, splice);
}

/* New text for a part's body.  The line break before the next delimiter
 * belongs to the delimiter, so the text ends without one; but an empty
 * body has no such line break of its own (the one ending the header block
 * serves), and text put there must end its last line, or it would run into
 * the delimiter line and unmake it (found by fuzz-rewrite). */
static void
pc_splice_body(PcRewriter *rw, const PcObject *o, GString *text)
{
	gsize end = (gsize)o->body_end;

	if (text->len > 0 && end < rw->len && (end == 0 || rw->raw[end - 1] == '\n'))
		g_string_append(text, rw->eol);
	pc_splice(rw, o->body_start, o->body_end, text);
}

/* One header field inside [from, to): its name and its whole extent with
 * continuation lines. */
typedef struct {
	gint64 start, end;
	char *name;
} PcField;

static gboolean
pc_next_field(const PcRewriter *rw, gint64 *pos, gint64 to, PcField *field)
{
	const char *raw = (const char *)rw->raw;
	gint64 p = *pos;
	const char *nl, *colon;

	if (p >= to || raw[p] == '\r' || raw[p] == '\n')
		return FALSE;
	/* The name ends at a colon on the field's first line; a line without
	 * one is carried over untouched, as a field with no name. */
	nl = memchr(raw + p, '\n', to - p);
	colon = memchr(raw + p, ':', (nl ? nl - raw : to) - p);
	field->start = p;
	field->name = g_strstrip(g_strndup(raw + p, colon ? colon - (raw + p) : 0));
	do {
		nl = memchr(raw + p, '\n', to - p);
		p = nl ? nl + 1 - raw : to;
	} while (p < to && (raw[p] == ' ' || raw[p] == '\t'));
	field->end = p;
	*pos = p;
	return TRUE;
}

static GMimeFormatOptions *
pc_format(const PcRewriter *rw)
{
	GMimeFormatOptions *format = g_mime_format_options_new();

	g_mime_format_options_set_newline_format(format, strcmp(rw->eol, "\r\n") == 0 ?
						 GMIME_NEWLINE_FORMAT_DOS :
						 GMIME_NEWLINE_FORMAT_UNIX);
	return format;
}

/* New value (" value" EOL) of a Content-Type or Content-Disposition line
 * naming the file name.  Built from fresh GMime objects (the type and
 * charset the engine parsed, the new name), never by re-encoding the
 * sender's parameter list: GMime's encoder can take gigabytes on a hostile
 * one (found by the fuzzer). */
static char *
pc_renamed_value(const PcRewriter *rw, const char *field, const PcObject *object,
		 const char *name)
{
	GMimeFormatOptions *format = pc_format(rw);
	g_autofree char *safe = pc_text_name(name);
	char *value;

	if (g_ascii_strcasecmp(field, "Content-Type") == 0) {
		GMimeContentType *type = g_mime_content_type_parse(NULL, object->declared_type);

		if (object->charset != NULL && *object->charset)
			g_mime_content_type_set_parameter(type, "charset", object->charset);
		g_mime_content_type_set_parameter(type, "name", safe);
		value = g_mime_content_type_encode(type, format);
		g_object_unref(type);
	} else {
		GMimeContentDisposition *disposition = g_mime_content_disposition_new();

		g_mime_content_disposition_set_disposition(disposition, "attachment");
		g_mime_content_disposition_set_parameter(disposition, "filename", safe);
		value = g_mime_content_disposition_encode(disposition, format);
		g_object_unref(disposition);
	}
	g_mime_format_options_free(format);
	return value;
}

/* A header value for the MTA: folded with LF and a blank (the milter
 * convention), and no line break that is not a fold, whatever GMime or a
 * name produced: the MTA must never see a new header line start. */
static char *
pc_header_value_clean(char *value)
{
	GString *out = g_string_sized_new(strlen(value));

	for (const char *p = g_strstrip(value); *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n' && (p[1] == ' ' || p[1] == '\t'))
			g_string_append_c(out, '\n');
		else if (*p == '\n')
			g_string_append_c(out, ' ');
		else
			g_string_append_c(out, *p);
	}
	g_free(value);
	return g_string_free(out, FALSE);
}

static void
pc_header_change(PcRewriter *rw, const char *name, char *value)
{
	PcHeaderChange *change = g_new0(PcHeaderChange, 1);

	change->name = g_strdup(name);
	change->value = value ? pc_header_value_clean(value) : NULL;
	g_ptr_array_add(rw->result->headers, change);
}

/* Runs GMime's encoder or decoder over a whole buffer. */
static GString *
pc_code(GMimeContentEncoding encoding, gboolean encode, const char *in, gsize len)
{
	GMimeEncoding state;
	GString *out;
	gsize n;

	if (encode)
		g_mime_encoding_init_encode(&state, encoding);
	else
		g_mime_encoding_init_decode(&state, encoding);
	out = g_string_sized_new(g_mime_encoding_outlen(&state, len) + 16);
	n = g_mime_encoding_flush(&state, in, len, out->str);
	g_string_set_size(out, n);
	return out;
}

/* LF -> CRLF where the message uses CRLF; CRLF -> LF for the encoders. */
static GString *
pc_eol(GString *text, const char *eol)
{
	GString *out = g_string_sized_new(text->len + text->len / 32);

	for (gsize i = 0; i < text->len; i++) {
		if (text->str[i] == '\r' && i + 1 < text->len && text->str[i + 1] == '\n')
			continue;
		if (text->str[i] == '\n')
			g_string_append(out, eol);
		else
			g_string_append_c(out, text->str[i]);
	}
	g_string_free(text, TRUE);
	return out;
}

/* Quoted-printable whose lines never start with '-': however the text was
 * made (a sender's file name in a notice, a decoded body that held a
 * "--boundary" line), no line of it can close the part or open another. */
static GString *
pc_qp_encode(const char *text, gsize len)
{
	GString *qp = pc_code(GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, TRUE, text, len);
	GString *out = g_string_sized_new(qp->len + 16);

	for (gsize i = 0; i < qp->len; i++) {
		if (qp->str[i] == '-' && (i == 0 || qp->str[i - 1] == '\n'))
			g_string_append(out, "=2D");
		else
			g_string_append_c(out, qp->str[i]);
	}
	g_string_free(qp, TRUE);
	return out;
}

/* The notice as a text/plain body, always quoted-printable (above). */
static GString *
pc_placeholder_headers(const PcRewriter *rw, const char *notice, GString *body)
{
	GString *headers = g_string_new(NULL);
	g_autofree char *text = g_strconcat(notice, "\n", NULL);
	GString *qp;

	/* One line break ends the text; the one before the next boundary is
	 * already in the message. */
	while (g_str_has_suffix(text, "\n\n"))
		text[strlen(text) - 1] = '\0';
	qp = pc_qp_encode(text, strlen(text));
	while (qp->len > 0 && qp->str[qp->len - 1] == '\n')
		g_string_truncate(qp, qp->len - 1);
	qp = pc_eol(qp, rw->eol);
	g_string_append_len(body, qp->str, (gssize)qp->len);
	g_string_free(qp, TRUE);
	g_string_append_printf(headers, "Content-Type: text/plain; charset=utf-8%s"
			       "Content-Transfer-Encoding: quoted-printable%s"
			       "Content-Disposition: inline%s", rw->eol, rw->eol, rw->eol);
	return headers;
}

/* Replaces the Content-* lines of [from, to) (a part's header block):
 * each listed field is deleted, and 'insert' goes where the first was. */
static void
pc_replace_fields(PcRewriter *rw, gint64 from, gint64 to, const char *const *names,
		  const PcEdit *edit, GString *insert)
{
	gint64 pos = from;
	gboolean inserted = FALSE;
	PcField field;

	while (pc_next_field(rw, &pos, to, &field)) {
		gboolean listed = FALSE;

		for (guint i = 0; names[i] != NULL; i++)
			listed = listed || g_ascii_strcasecmp(field.name, names[i]) == 0;
		if (listed && edit->action == PC_OBJ_RENAME) {
			g_autofree char *value = pc_renamed_value(rw, field.name, edit->object,
								  edit->new_name);
			GString *line = g_string_new(NULL);

			g_string_printf(line, "%s:%s", field.name, value);
			pc_splice(rw, field.start, field.end, line);
		} else if (listed) {
			pc_splice(rw, field.start, field.end, inserted ? g_string_new(NULL) :
				  g_string_new(insert->str));
			inserted = TRUE;
		}
		g_free(field.name);
	}
	if (!inserted && insert != NULL && insert->len > 0)
		pc_splice(rw, pos, pos, g_string_new(insert->str));
}

static void
pc_edit_placeholder(PcRewriter *rw, const PcEdit *edit)
{
	const PcObject *o = edit->object;
	GString *body = g_string_new(NULL);
	g_autoptr(GString) headers = pc_placeholder_headers(rw, edit->notice, body);

	pc_replace_fields(rw, o->header_start, o->body_start, pc_content_fields, edit, headers);
	pc_splice_body(rw, o, body);
}

static void
pc_edit_rename(PcRewriter *rw, const PcEdit *edit)
{
	static const char *const named[] = { "Content-Type", "Content-Disposition", NULL };
	const PcObject *o = edit->object;
	g_autoptr(GString) disposition = NULL;
	gboolean has_disposition = FALSE;
	gint64 pos = o->header_start;
	PcField field;

	while (pc_next_field(rw, &pos, o->body_start, &field)) {
		has_disposition = has_disposition ||
				  g_ascii_strcasecmp(field.name, "Content-Disposition") == 0;
		g_free(field.name);
	}
	pc_replace_fields(rw, o->header_start, o->body_start, named, edit, NULL);
	if (!has_disposition) {
		g_autofree char *encoded = pc_renamed_value(rw, "Content-Disposition", o,
							    edit->new_name);

		disposition = g_string_new(NULL);
		g_string_printf(disposition, "Content-Disposition:%s", encoded);
		pc_splice(rw, pos, pos, g_string_new(disposition->str));
	}
}

/* The disclaimer as the part can carry it, or NULL when it cannot be: in
 * the part's charset (no charset is US-ASCII), and ASCII in a 7bit part
 * whatever its charset says, since 8-bit bytes there break the part. */
static char *
pc_disclaimer_in(const char *utf8, const PcObject *o, gboolean coded)
{
	gboolean seven_bit = !coded && (*o->encoding == '\0' || strcmp(o->encoding, "7bit") == 0);
	const char *charset = seven_bit || *o->charset == '\0' ? "US-ASCII" : o->charset;

	if (g_ascii_strcasecmp(charset, "utf-8") == 0 || g_ascii_strcasecmp(charset, "utf8") == 0)
		return g_strdup(utf8);
	return g_convert_with_fallback(utf8, -1, charset, "UTF-8", "?", NULL, NULL, NULL);
}

static void
pc_insert_disclaimer(GString *text, const char *disclaimer, gboolean html)
{
	const char *body_end = NULL;

	if (html) {
		/* The last </body>, case-insensitive; none: at the end. */
		g_autofree char *lower = g_ascii_strdown(text->str, (gssize)text->len);
		const char *p = lower;

		while ((p = strstr(p, "</body")) != NULL)
			body_end = text->str + (p++ - lower);
	}
	if (body_end != NULL) {
		g_string_insert(text, body_end - text->str, disclaimer);
		return;
	}
	if (text->len > 0 && text->str[text->len - 1] != '\n')
		g_string_append_c(text, '\n');
	g_string_append(text, disclaimer);
}

/* Decoded, extended, encoded as it was: the part keeps its transfer
 * encoding, charset and line ends.  Text the charset cannot hold becomes
 * '?'. */
static void
pc_edit_disclaimer(PcRewriter *rw, const PcEdit *edit)
{
	const PcObject *o = edit->object;
	GMimeContentEncoding encoding = g_mime_content_encoding_from_string(o->encoding);
	gboolean base64 = encoding == GMIME_CONTENT_ENCODING_BASE64;
	gboolean coded = base64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	const char *raw = (const char *)rw->raw + o->body_start;
	gsize len = (gsize)(o->body_end - o->body_start);
	g_autofree char *disclaimer = pc_disclaimer_in(edit->notice, o, coded);
	GString *text;
	gboolean crlf;

	if (disclaimer == NULL)
		return;
	text = coded ? pc_code(encoding, FALSE, raw, len) : g_string_new_len(raw, (gssize)len);
	/* Base64 carries the line ends of the text inside it. */
	crlf = base64 && strstr(text->str, "\r\n") != NULL;
	text = pc_eol(text, "\n");
	pc_insert_disclaimer(text, disclaimer, strcmp(o->declared_type, "text/html") == 0);
	if (crlf)
		text = pc_eol(text, "\r\n");
	if (coded) {
		GString *encoded = base64 ? pc_code(encoding, TRUE, text->str, text->len)
					  : pc_qp_encode(text->str, text->len);

		g_string_free(text, TRUE);
		text = encoded;
	}
	/* The line break before the next boundary is already in the message. */
	while (text->len > 0 && text->str[text->len - 1] == '\n')
		g_string_truncate(text, text->len - 1);
	pc_splice_body(rw, o, pc_eol(text, rw->eol));
}

/* Start of the boundary line just before offset, or -1. */
static gint64
pc_delimiter_before(const PcRewriter *rw, gint64 offset, const char *boundary)
{
	const char *raw = (const char *)rw->raw;
	gsize blen = strlen(boundary);
	gint64 line_end = offset - 1, start;

	if (line_end < 0 || raw[line_end] != '\n')
		return -1;
	for (start = line_end; start > 0 && raw[start - 1] != '\n'; start--)
		;
	if ((gsize)(line_end - start) < blen + 2 || strncmp(raw + start, "--", 2) != 0 ||
	    strncmp(raw + start + 2, boundary, blen) != 0)
		return -1;
	return start;
}

static gboolean
pc_edit_remove(PcRewriter *rw, const PcEdit *edit, GError **error)
{
	const PcObject *o = edit->object;
	gint64 start = pc_delimiter_before(rw, o->header_start, o->boundary);
	gint64 end = o->body_end;

	if (start < 0) {
		g_set_error(error, PC_REWRITE_ERROR, 0, "part %s: no boundary line before it",
			    o->path);
		return FALSE;
	}
	/* The line break before the next boundary belongs to that boundary. */
	if ((gsize)end < rw->len && rw->raw[end] == '\r')
		end++;
	if ((gsize)end < rw->len && rw->raw[end] == '\n')
		end++;
	pc_splice(rw, start, end, g_string_new(NULL));
	return TRUE;
}

/* The body of a single-part message: header lines go to the MTA. */
static void
pc_edit_top(PcRewriter *rw, const PcEdit *edit)
{
	const PcObject *o = edit->object;
	gint64 pos = MAX(o->header_start, 0);
	PcField field;

	if (edit->action == PC_OBJ_RENAME) {
		while (pc_next_field(rw, &pos, o->body_start, &field)) {
			if (g_ascii_strcasecmp(field.name, "Content-Type") == 0 ||
			    g_ascii_strcasecmp(field.name, "Content-Disposition") == 0)
				pc_header_change(rw, field.name, pc_renamed_value(rw, field.name, o,
										   edit->new_name));
			g_free(field.name);
		}
		return;
	}
	GString *body = g_string_new(NULL);
	g_autoptr(GString) headers = pc_placeholder_headers(rw, edit->notice, body);
	g_auto(GStrv) lines = g_strsplit(headers->str, rw->eol, -1);

	for (guint i = 0; lines[i] != NULL && *lines[i]; i++) {
		char *colon = strchr(lines[i], ':');

		*colon = '\0';
		pc_header_change(rw, lines[i], g_strdup(colon + 1));
	}
	g_string_append(body, rw->eol);
	pc_splice(rw, o->body_start, (gint64)rw->len, body);
}

static gboolean
pc_edit(PcRewriter *rw, const PcEdit *edit, GError **error)
{
	const PcObject *o = edit->object;

	if (o->body_start < 0 || o->body_end < o->body_start || (gsize)o->body_end > rw->len ||
	    o->header_start > o->body_start) {
		g_set_error(error, PC_REWRITE_ERROR, 0, "part %s: no usable offsets", o->path);
		return FALSE;
	}
	if (edit->action == PC_OBJ_DISCLAIMER) {
		pc_edit_disclaimer(rw, edit);
		return TRUE;
	}
	if (o->boundary == NULL && o->depth == 0) {
		pc_edit_top(rw, edit);
		return TRUE;
	}
	switch (edit->action) {
	case PC_OBJ_PLACEHOLDER:
		pc_edit_placeholder(rw, edit);
		return TRUE;
	case PC_OBJ_REMOVE:
		return pc_edit_remove(rw, edit, error);
	case PC_OBJ_RENAME:
		pc_edit_rename(rw, edit);
		return TRUE;
	case PC_OBJ_PASS:
	case PC_OBJ_DISCLAIMER:
		return TRUE;
	}
	return TRUE;
}

/* By start, then by end: text inserted at an offset (a disclaimer in an
 * empty body) goes before a range removed from there (the next part). */
static gint
pc_splice_compare(gconstpointer a, gconstpointer b)
{
	const PcSplice *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end ? 1 : 0;
}

static void
pc_splice_clear(gpointer data)
{
	PcSplice *splice = data;

	g_string_free(splice->with, TRUE);
}

/* Whether the line at p is a delimiter of one of the message's multiparts,
 * as GMime reads one: "--" boundary, "--" for the last, then only blanks. */
static gboolean
pc_is_delimiter(const guint8 *p, gsize left, GHashTable *boundaries)
{
	const guint8 *nl;
	gsize n;
	g_autofree char *line = NULL;

	if (left < 3 || p[0] != '-' || p[1] != '-')
		return FALSE;
	nl = memchr(p, '\n', left);
	n = nl ? (gsize)(nl - p) : left;
	while (n > 2 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	line = g_strndup((const char *)p + 2, n - 2);
	if (g_hash_table_contains(boundaries, line))
		return TRUE;
	if (!g_str_has_suffix(line, "--"))
		return FALSE;
	line[strlen(line) - 2] = '\0';
	return g_hash_table_contains(boundaries, line);
}

/* Delimiter lines that start in [from, to) of buf. */
static guint
pc_delimiters_in(const guint8 *buf, gsize len, gsize from, gsize to, GHashTable *boundaries)
{
	guint count = 0;

	for (gsize p = from; p < to;) {
		const guint8 *nl;

		if ((p == 0 || buf[p - 1] == '\n') && pc_is_delimiter(buf + p, len - p, boundaries))
			count++;
		nl = memchr(buf + p, '\n', to - p);
		p = nl ? (gsize)(nl - buf) + 1 : to;
	}
	return count;
}

/* The last defence against part injection: every delimiter line of the
 * new body is one of the message's own that no edit took out.  An edit
 * that wrote a delimiter (from a name, a notice or a re-encoded body)
 * would otherwise open parts that were never scanned. */
static gboolean
pc_check_delimiters(const PcRewriter *rw, gint64 body_offset, const GByteArray *body,
		    GError **error)
{
	guint kept = pc_delimiters_in(rw->raw, rw->len, (gsize)body_offset, rw->len,
				      rw->boundaries);
	guint now;

	if (g_hash_table_size(rw->boundaries) == 0)
		return TRUE;
	for (guint i = 0; i < rw->splices->len; i++) {
		const PcSplice *s = &g_array_index(rw->splices, PcSplice, i);

		kept -= pc_delimiters_in(rw->raw, rw->len, (gsize)s->start, (gsize)s->end,
					 rw->boundaries);
	}
	now = pc_delimiters_in(body->data, body->len, 0, body->len, rw->boundaries);
	if (now == kept)
		return TRUE;
	g_set_error(error, PC_REWRITE_ERROR, 0, "the rewritten body has %u multipart delimiter "
		    "lines where %u were kept: refusing a rewrite that would change the parts",
		    now, kept);
	return FALSE;
}

static gboolean
pc_apply_splices(PcRewriter *rw, gint64 body_offset, GError **error)
{
	gint64 pos = body_offset;
	GByteArray *body = g_byte_array_sized_new((guint)MIN(rw->len, G_MAXUINT));

	g_array_sort(rw->splices, pc_splice_compare);
	for (guint i = 0; i < rw->splices->len; i++) {
		const PcSplice *s = &g_array_index(rw->splices, PcSplice, i);

		if (s->start < pos || s->end < s->start) {
			g_byte_array_unref(body);
			g_set_error(error, PC_REWRITE_ERROR, 0, "edits overlap at offset %"
				    G_GINT64_FORMAT, s->start);
			return FALSE;
		}
		g_byte_array_append(body, rw->raw + pos, (guint)(s->start - pos));
		g_byte_array_append(body, (const guint8 *)s->with->str, (guint)s->with->len);
		pos = s->end;
	}
	g_byte_array_append(body, rw->raw + pos, (guint)(rw->len - pos));
	if (!pc_check_delimiters(rw, body_offset, body, error)) {
		g_byte_array_unref(body);
		return FALSE;
	}
	rw->result->body = body;
	return TRUE;
}

static void
pc_header_change_free(gpointer data)
{
	PcHeaderChange *change = data;

	g_free(change->name);
	g_free(change->value);
	g_free(change);
}

gboolean
pc_rewrite(const guint8 *raw, gsize len, const PcVerdict *verdict, const GArray *edits,
	   PcRewrite *result, GError **error)
{
	PcRewriter rw = { raw, len, "\n", g_array_new(FALSE, TRUE, sizeof(PcSplice)), result,
			  g_hash_table_new(g_str_hash, g_str_equal) };
	gboolean ok = TRUE;

	memset(result, 0, sizeof(*result));
	result->headers = g_ptr_array_new_with_free_func(pc_header_change_free);
	g_array_set_clear_func(rw.splices, pc_splice_clear);
	if (verdict->body_offset > 0 && (gsize)verdict->body_offset <= len &&
	    raw[verdict->body_offset - 1] == '\n' && verdict->body_offset >= 2 &&
	    raw[verdict->body_offset - 2] == '\r')
		rw.eol = "\r\n";
	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);

		if (o->boundary != NULL && *o->boundary)
			g_hash_table_add(rw.boundaries, o->boundary);
	}
	for (guint i = 0; ok && i < edits->len; i++)
		ok = pc_edit(&rw, &g_array_index(edits, PcEdit, i), error);
	if (ok && rw.splices->len > 0)
		ok = pc_apply_splices(&rw, verdict->body_offset, error);
	g_array_unref(rw.splices);
	g_hash_table_unref(rw.boundaries);
	return ok;
}

void
pc_rewrite_clear(PcRewrite *result)
{
	g_clear_pointer(&result->body, g_byte_array_unref);
	g_clear_pointer(&result->headers, g_ptr_array_unref);
}

void
pc_edit_clear(PcEdit *edit)
{
	g_clear_pointer(&edit->notice, g_free);
	g_clear_pointer(&edit->new_name, g_free);
}
