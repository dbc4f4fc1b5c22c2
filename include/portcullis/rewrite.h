/*
 * NAME
 *	rewrite.h - change parts of a message, leaving every other byte
 * SYNOPSIS
 *	pc_rewrite(raw, len, verdict, edits, &result, &error);
 * DESCRIPTION
 *	Applies part edits (remove, placeholder, rename) by splicing the raw
 *	message at the offsets GMime reported (object.h): a removed part
 *	disappears with its boundary line, a placeholder takes its part's
 *	place as a text/plain notice, a renamed part gets new Content-Type
 *	"name" and Content-Disposition "filename" parameters, a body text
 *	part gets the disclaimer (decoded, appended or, in HTML, inserted
 *	before </body>, converted to its charset, encoded as it was).  Parts not
 *	edited, boundaries, preamble, epilogue and the top-level header block
 *	stay byte-identical; nothing is re-encoded.
 *
 *	The result is the new body (what follows the top-level header block:
 *	the milter hands it to the MTA with smfi_replacebody) and, when the
 *	edited part is the top-level body of a single-part message, the
 *	top-level header changes (Content-Type, Content-Transfer-Encoding,
 *	Content-Disposition: smfi_chgheader).  The body is left NULL when no
 *	edit changes it.
 */
#ifndef PORTCULLIS_REWRITE_H
#define PORTCULLIS_REWRITE_H

#include <glib.h>
#include <portcullis/policy.h>
#include <portcullis/verdict.h>

G_BEGIN_DECLS

typedef struct {
	const PcObject *object;
	PcObjectAction action;		/* remove, placeholder, rename, disclaimer */
	char *notice;			/* placeholder or disclaimer text, UTF-8 */
	char *new_name;			/* rename */
} PcEdit;

typedef struct {
	char *name;
	char *value;			/* NULL: delete the header */
} PcHeaderChange;

typedef struct {
	GByteArray *body;		/* new body, or NULL: unchanged */
	GPtrArray *headers;		/* PcHeaderChange *: top-level header changes */
} PcRewrite;

#define PC_REWRITE_ERROR (pc_rewrite_error_quark())
GQuark pc_rewrite_error_quark(void);

gboolean pc_rewrite(const guint8 *raw, gsize len, const PcVerdict *verdict,
		    const GArray *edits, PcRewrite *result, GError **error);
void pc_rewrite_clear(PcRewrite *result);
void pc_edit_clear(PcEdit *edit);

G_END_DECLS

#endif
