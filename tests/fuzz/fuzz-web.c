/*
 * fuzz-web: libFuzzer target for what the web console writes of a
 * message: its preview (web/preview.c: header fields, the first text part,
 * HTML reduced to text) and the recipients' link tokens (web/links.c).
 *
 * The oracles: every text the console would show is valid UTF-8 with no
 * control character but the preview's line breaks and no bidirectional
 * control (those are shown as "<U+202E>"), the preview stays within its
 * bound, and a token made of the input's bytes verifies to exactly the
 * id and recipient it was made of while the input itself, as a token,
 * is refused.
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>
#include <portcullis/engine.h>

#include "fuzz.h"
#include "links.h"
#include "preview.h"

static GBytes *fuzz_key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autoptr(GBytes) secret = g_bytes_new_static("fuzz release key, 32 bytes long!", 32);
	g_autoptr(GError) error = NULL;

	(void)argc;
	(void)argv;
	signal(SIGTRAP, fuzz_trap);
	if (!pc_engine_global_init(NULL, &error)) {
		fprintf(stderr, "fuzz-web: %s\n", error->message);
		exit(1);
	}
	fuzz_key = pcw_link_key(secret);
	return 0;
}

/* Shown text: UTF-8, no control but (when lines) '\n', no bidi control. */
static void
fuzz_check_shown(const char *text, gboolean lines)
{
	if (!g_utf8_validate(text, -1, NULL))
		abort();
	for (const char *p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if ((pc_text_is_control(c) && !(lines && c == '\n')) ||
		    (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
		    c == 0x200E || c == 0x200F || c == 0x061C)
			abort();
	}
}

static void
fuzz_preview(const guint8 *data, size_t len)
{
	g_autoptr(PcwPreview) p = pcw_preview_new((const char *)data, len, NULL);

	if (p == NULL)
		return;
	fuzz_check_shown(p->subject, FALSE);
	fuzz_check_shown(p->text, TRUE);
	for (guint i = 0; p->names[i] != NULL; i++) {
		fuzz_check_shown(p->names[i], FALSE);
		fuzz_check_shown(p->values[i], FALSE);
		if (i >= PCW_HEADERS_MAX)
			abort();
	}
	/* the last line may run past the bound by one line of at most 4096
	 * characters (4 bytes each) */
	if (strlen(p->text) > PCW_PREVIEW_MAX + 4 * 4096 + 1)
		abort();
}

static void
fuzz_links(const guint8 *data, size_t len)
{
	g_autofree char *input = g_strndup((const char *)data, len);
	gsize half = strlen(input) / 2;
	g_autofree char *id = g_strndup(input, half);
	g_autofree char *rcpt = NULL;
	g_autofree char *token = NULL;
	g_autofree char *got_id = NULL, *got_rcpt = NULL;
	gint64 expires = 0;
	char *junk_id = NULL, *junk_rcpt = NULL;

	if (pcw_link_verify(fuzz_key, input, 0, &junk_id, &junk_rcpt, &expires, NULL))
		abort();
	/* a token names an id and an address with no line break, short enough
	 * for a link (verify refuses tokens past 1024 bytes) */
	if (strchr(id, '\n') != NULL || strchr(input + half, '\n') != NULL || strlen(input) > 600)
		return;
	rcpt = g_ascii_strdown(input + half, -1);
	token = pcw_link_token(fuzz_key, id, rcpt, 100);
	if (!pcw_link_verify(fuzz_key, token, 99, &got_id, &got_rcpt, &expires, NULL) ||
	    strcmp(got_id, id) != 0 || strcmp(got_rcpt, rcpt) != 0 || expires != 100)
		abort();
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
	fuzz_preview(data, len);
	fuzz_links(data, len);
	return 0;
}
