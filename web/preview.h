/*
 * NAME
 *	preview.h - what a person may safely see of a stored message
 * DESCRIPTION
 *	The console shows a quarantined message as text only: its header
 *	fields (decoded) and its first text part, HTML reduced to the text a
 *	reader would see.  No markup, no remote reference ever reaches the
 *	page; the page puts the text in with textContent as well.  Control
 *	characters are dropped and bidirectional controls shown as
 *	"<U+202E>" (pc_text_display), so nothing reorders or hides text.
 */
#ifndef PCW_PREVIEW_H
#define PCW_PREVIEW_H

#include <glib.h>

#define PCW_PREVIEW_MAX (64 * 1024)	/* bytes of text */
#define PCW_HEADERS_MAX 200		/* header fields listed */

typedef struct {
	char *subject;		/* "" when none */
	char **names;		/* header fields, at most PCW_HEADERS_MAX */
	char **values;
	char *text;		/* the preview */
	char *part;		/* its MIME path ("1.2"), "" when no text part */
	gboolean truncated;
} PcwPreview;

/* NULL and error when data is no message at all. */
PcwPreview *pcw_preview_new(const char *data, gsize len, GError **error);
void pcw_preview_free(PcwPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcwPreview, pcw_preview_free)

/* One line of text fit to show (controls dropped, bidi controls shown). */
char *pcw_display(const char *text, gsize max);

#endif
