/*
 * NAME
 *	header.h - what DKIM and ARC need of a raw message: its header
 *	fields as sent, tag=value lists, canonical forms (RFC 6376 3.2, 3.4)
 * DESCRIPTION
 *	Signatures are over the bytes as sent, so fields are cut from the
 *	raw header block rather than taken from the MIME parser (which
 *	unfolds and decodes).  A bare LF ends a line as CRLF does: files on
 *	disk are LF, and the MTA sends CRLF.
 */
#ifndef PC_AUTH_HEADER_H
#define PC_AUTH_HEADER_H

#include <glib.h>

typedef struct {
	char *name;		/* as written */
	char *raw;		/* the whole field, lines joined by CRLF, no final CRLF */
} PcAuthField;

/* Header fields in order; *body_offset gets where the body starts (len
 * when there is none).  At most max fields are kept. */
GPtrArray *pc_auth_fields(const guint8 *data, gsize len, guint max, gsize *body_offset);

/* The field's value: raw after the colon. */
const char *pc_auth_field_value(const PcAuthField *field);

/* "a=1; b = x y" -> a -> "1", b -> "xy" (folding white space removed
 * from values, as every DKIM tag's value may be folded).  NULL when the
 * list is malformed or a tag repeats (RFC 6376 3.2: permerror).  Empty
 * segments (";;", a trailing ";") are passed over, as verifiers do. */
GHashTable *pc_auth_tags(const char *list);

/* The field with the value of tag b= removed (RFC 6376 3.7 step 2). */
char *pc_auth_strip_b(const char *raw);

/* One field in canonical form, CRLF appended when crlf. */
void pc_auth_canon_header(GString *out, const char *raw, gboolean relaxed, gboolean crlf);

/* The body's canonical form, fed in pieces to a hash. */
typedef struct {
	gboolean relaxed;
	guint64 limit;		/* l=: most bytes hashed; G_MAXUINT64 for all */
	guint64 length;		/* canonical bytes produced */
	guint64 empty_lines;	/* held back: trailing ones are dropped */
	gboolean any;		/* a non-empty line was seen */
	GChecksum *hash;
} PcAuthBody;

void pc_auth_body_run(PcAuthBody *body, const guint8 *data, gsize len);

#endif
