/*
 * Unit tests for milter/log.c: how untrusted text is rendered in a log
 * field (pcm_log_str), so that a file name, an address or a reason can
 * neither end the line nor fake another field.
 */
#include "config.h"

#include "cases.h"

#include <string.h>

#include "log.h"

typedef struct {
	const char *name;
	const char *text;
	gboolean bare;
	const char *shown;
} LogCase;

static const LogCase log_cases[] = {
	{ "plain", "invoice.pdf", FALSE, "invoice.pdf" },
	{ "null", NULL, FALSE, "" },
	{ "quote-and-backslash", "a\"b\\c", FALSE, "a\\\"b\\\\c" },
	{ "line-ends", "x.exe\r\n2026-01-01 portcullis[1]: Q: action=accept", FALSE,
	  "x.exe\\r\\n2026-01-01 portcullis[1]: Q: action=accept" },
	{ "tab", "a\tb", FALSE, "a\\tb" },
	{ "c0-and-del", "\x01\x1b[31m\x7f", FALSE, "\\x01\\x1B[31m\\x7F" },
	/* U+0085 (NEL) is a line end to some readers; U+2028 too. */
	{ "c1-and-line-separator", "a\xc2\x85z\xe2\x80\xa8", FALSE,
	  "a\\xC2\\x85z\\xE2\\x80\\xA8" },
	{ "utf8-kept", "r\xc3\xa9sum\xc3\xa9 \xe6\x97\xa5.pdf", FALSE,
	  "r\xc3\xa9sum\xc3\xa9 \xe6\x97\xa5.pdf" },
	{ "invalid-utf8", "a\xff\xc3(b\xe2\x82", FALSE, "a\\xFF\\xC3(b\\xE2\\x82" },
	{ "overlong-slash", "\xc0\xaf", FALSE, "\\xC0\\xAF" },
	{ "bare-space", "a b\" action=accept", TRUE, "a\\x20b\\\"\\x20action=accept" },
	{ "quoted-space-kept", "a b", FALSE, "a b" },
};

static void
test_log_case(gconstpointer data)
{
	const LogCase *c = data;
	g_autofree char *shown = pcm_log_str(c->text, c->bare);

	g_assert_cmpstr(shown, ==, c->shown);
}

/* A long name is cut, with "...", at a character boundary: never in the
 * middle of an escape or a UTF-8 character. */
static void
test_log_bounded(void)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *shown = NULL;

	for (guint i = 0; i < 1000; i++)
		g_string_append(text, i % 2 ? "\xc3\xa9" : "\n");
	shown = pcm_log_str(text->str, FALSE);
	g_assert_cmpuint(strlen(shown), <=, PCM_LOG_FIELD_MAX + 8);
	g_assert_true(g_str_has_suffix(shown, "..."));
	g_assert_true(g_utf8_validate(shown, -1, NULL));
	g_assert_true(g_str_has_suffix(shown, "\\n...") || g_str_has_suffix(shown, "\xc3\xa9..."));
}

/* Appending escapes only what it appends. */
static void
test_log_append(void)
{
	g_autoptr(GString) line = g_string_new("name=\"");

	pcm_log_append(line, "a\"\n", FALSE);
	g_string_append_c(line, '"');
	g_assert_cmpstr(line->str, ==, "name=\"a\\\"\\n\"");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/log/str", log_cases, test_log_case);
	g_test_add_func("/log/bounded", test_log_bounded);
	g_test_add_func("/log/append", test_log_append);
	return g_test_run();
}
