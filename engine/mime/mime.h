/*
 * NAME
 *	mime.h - the message as GMime parses it, and its decoded parts
 * SYNOPSIS
 *	pc_mime_parse(data, len, max_depth, max_parts, verdict, &mime);
 *	for each leaf i: pc_mime_decode(mime.entities[i], ..., &blob);
 *	pc_mime_clear(&mime);
 * DESCRIPTION
 *	pc_mime_parse() parses the raw message in place (no copy: GMime's
 *	parts are windows on the caller's buffer, which must outlive the
 *	PcMime) and appends one PcObject per MIME entity to the verdict, in
 *	document order, with entities[] holding the matching GMime object.
 *	Parser warnings that mean another parser might see different parts
 *	are counted in structural_warnings, so the caller can ask for a
 *	second opinion.  Nesting beyond max_depth is not walked, nor any
 *	entity past the first max_parts: that adds an unscannable finding
 *	("limit:mime-depth", "limit:mime-parts"), never a silent clean.
 *
 *	pc_mime_decode() writes a leaf's decoded content to memory, or past
 *	memory_max to an unlinked file in tmp_dir that is then mapped, so a
 *	90 MB attachment does not cost 90 MB of heap.
 * THREAD SAFETY
 *	g_mime_init() once before threads (pc_engine_global_init); then any
 *	number of messages may be parsed concurrently.
 */
#ifndef PC_ENGINE_MIME_H
#define PC_ENGINE_MIME_H

#include <gmime/gmime.h>
#include <portcullis/verdict.h>

/* GMime 3.2 declares no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)

/* A multipart whose headers name more than one boundary: GMime used one,
 * a mail client may use another. */
typedef struct {
	gint64 start, end;		/* the Content-Type field, raw offsets */
	char *type;			/* multipart/... as declared */
	char *boundary;			/* a boundary GMime did not use */
} PcAltBoundary;

typedef struct {
	GMimeStream *stream;
	GMimeMessage *message;
	GByteArray *window;		/* wraps the caller's bytes, not owned */
	GPtrArray *entities;		/* GMimeObject *, parallel to verdict->objects */
	guint structural_warnings;	/* parser warnings that may change the parts */
	GString *warnings;		/* their names, for the log */
	gint64 body_offset;		/* first byte of the top-level body */
	GArray *alternates;		/* PcAltBoundary */
} PcMime;

typedef struct {
	const guint8 *data;		/* decoded content */
	gsize len;
	GByteArray *mem;		/* owner when in memory */
	int fd;				/* owner when in a temp file, else -1 */
	void *map;
} PcBlob;

void pc_mime_global_init(void);
void pc_mime_parse(const guint8 *data, gsize len, guint max_depth, guint max_parts,
		   PcVerdict *verdict, PcMime *mime);
void pc_mime_clear(PcMime *mime);

/* The message with one multipart's Content-Type field replaced so that
 * its alternative boundary is the only one. */
GByteArray *pc_mime_with_boundary(const guint8 *data, gsize len, const PcAltBoundary *alt);

gboolean pc_mime_decode(GMimeObject *leaf, guint64 memory_max, const char *tmp_dir,
			PcBlob *blob, GError **error);
void pc_blob_clear(PcBlob *blob);

/* Every file name a part carries (Content-Disposition filename, then
 * Content-Type name when it differs), decoded to valid UTF-8. */
GPtrArray *pc_mime_names(GMimeObject *entity);

/* Which embedded encoding a decoded text carries: "uuencode", "binhex",
 * "yenc", or NULL.  GMime does not split these out of text bodies. */
const char *pc_mime_embedded_encoding(const guint8 *data, gsize len);

/* Decodes the yEnc blocks of a text (line-start "=ybegin" to "=yend"), the
 * first PC_MIME_MAX_YENC of them, and calls visit with each non-empty file
 * and its name (may be NULL); returns the number of blocks.  Each file is
 * no larger than the text it came from. */
/* Where uuencode and BinHex blocks start inside a decoded text, after its
 * first line; at most max offsets.  libclamav decodes both when they start
 * what it is given, and finds them in a mail body, but not in a text part
 * that was itself base64, nor a BinHex block after other text. */
guint pc_mime_embedded_starts(const guint8 *data, gsize len, gsize *offsets, guint max);

#define PC_MIME_MAX_YENC 16	/* yEnc files decoded from one text part */
typedef void (*PcYencFunc)(const guint8 *data, gsize len, const char *name, gpointer user);
guint pc_mime_yenc(const guint8 *data, gsize len, PcYencFunc visit, gpointer user);

#endif
