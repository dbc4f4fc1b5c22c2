/*
 * Unit tests for the Received trail parser (engine/spam/received.c):
 * every trail of tests/data/relays/trails.tsv (real trails from the
 * training corpus, with the four X-Spam-Relays-* strings SpamAssassin
 * 4.0.1 computed for them by tests/spam/sa-relays.pl) must come out
 * byte for byte the same; then hand-made trails: hostile sizes, binary
 * junk, IPv6, trusted_networks, ALL_TRUSTED.
 *
 * "received_test --agreement FILE" instead reads a sa-relays.pl output
 * and prints how many messages agree on all four strings (and the
 * first differences), for tests/spam/relays-agreement.sh.
 */
#include "config.h"

#include <string.h>

#include "spam/received.h"

/* One trail of a sa-relays.pl line: its fields unescaped. */
typedef struct {
	char *name;
	guint unparseable;
	char *want[4];			/* untrusted, trusted, internal, external */
	GPtrArray *lines;
} Trail;

static char *
unescape(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s != '\\' || s[1] == '\0') {
			g_string_append_c(out, *s);
			continue;
		}
		s++;
		g_string_append_c(out, *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s);
	}
	return g_string_free(out, FALSE);
}

static gboolean
trail_read(const char *row, Trail *t)
{
	g_auto(GStrv) f = g_strsplit(row, "\t", -1);
	guint n = g_strv_length(f);

	if (n < 6)
		return FALSE;
	t->name = unescape(f[0]);
	t->unparseable = (guint)g_ascii_strtoull(f[1], NULL, 10);
	for (int i = 0; i < 4; i++)
		t->want[i] = unescape(f[2 + i]);
	t->lines = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 6; i < n; i++)
		g_ptr_array_add(t->lines, unescape(f[i]));
	return TRUE;
}

static void
trail_clear(Trail *t)
{
	g_free(t->name);
	for (int i = 0; i < 4; i++)
		g_free(t->want[i]);
	g_ptr_array_unref(t->lines);
}

/* Our four strings for a trail, in the file's order. */
static void
trail_got(const Trail *t, const GPtrArray *trusted, const GPtrArray *internal, char *got[4],
	  guint *unparseable)
{
	g_autoptr(PcRelays) r = pc_relays_parse((char *const *)t->lines->pdata, t->lines->len,
						trusted, internal);

	got[0] = pc_relays_text(r->untrusted);
	got[1] = pc_relays_text(r->trusted);
	got[2] = pc_relays_text(r->internal);
	got[3] = pc_relays_text(r->external);
	*unparseable = r->unparseable;
}

static GPtrArray *
rows_of(const char *path)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) rows = NULL;
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	if (!g_file_get_contents(path, &text, NULL, &error))
		g_error("%s", error->message);
	rows = g_strsplit(text, "\n", -1);
	for (guint i = 0; rows[i] != NULL; i++)
		if (rows[i][0] != '\0' && rows[i][0] != '#')
			g_ptr_array_add(out, g_strdup(rows[i]));
	return out;
}

static GPtrArray *
masks(const char *const *ranges)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_object_unref);

	for (guint i = 0; ranges[i] != NULL; i++)
		g_ptr_array_add(out, g_inet_address_mask_new_from_string(ranges[i], NULL));
	return out;
}

/* Every trail of a fixture must give SpamAssassin's four strings. */
static void
check_fixture(const char *name, guint at_least, const GPtrArray *trusted, const GPtrArray *internal)
{
	g_autofree char *path = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir") : ".",
						 "tests/data/relays", name, NULL);
	g_autoptr(GPtrArray) rows = rows_of(path);

	g_assert_cmpuint(rows->len, >=, at_least);
	for (guint i = 0; i < rows->len; i++) {
		Trail t;
		char *got[4];
		guint unparseable;

		g_assert_true(trail_read(g_ptr_array_index(rows, i), &t));
		trail_got(&t, trusted, internal, got, &unparseable);
		for (int k = 0; k < 4; k++) {
			if (strcmp(got[k], t.want[k]) != 0)
				g_test_message("%s: list %d", t.name, k);
			g_assert_cmpstr(got[k], ==, t.want[k]);
			g_free(got[k]);
		}
		g_assert_cmpuint(unparseable, ==, t.unparseable);
		trail_clear(&t);
	}
}

/* Real trails, no trusted_networks: SpamAssassin's inference. */
static void
test_corpus_trails(void)
{
	check_fixture("trails.tsv", 150, NULL, NULL);
}

/* Hand-made: IPv6, ident, qmail, qmail-scanner, Exchange, a fetcher
 * marker, webmail, X-Originating-IP, authenticated handovers. */
static void
test_hand_trails(void)
{
	check_fixture("hand.tsv", 8, NULL, NULL);
}

static const char *const hand_trusted[] = { "192.0.2.0/24", "198.51.100.0/24", NULL };
static const char *const hand_internal[] = { "192.0.2.0/24", NULL };

/* The same with trusted_networks and a narrower internal_networks. */
static void
test_hand_trails_trusted(void)
{
	g_autoptr(GPtrArray) t = masks(hand_trusted);
	g_autoptr(GPtrArray) i = masks(hand_internal);

	check_fixture("trusted.tsv", 8, t, i);
}

/* RELAYS_TRUSTED / RELAYS_INTERNAL: space-separated ranges, as the
 * oracle's SA_TRUSTED / SA_INTERNAL. */
static GPtrArray *
masks_from_env(const char *name)
{
	g_auto(GStrv) ranges = g_strsplit(g_getenv(name) ? g_getenv(name) : "", " ", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_object_unref);

	for (guint i = 0; ranges[i] != NULL; i++) {
		GInetAddressMask *m = g_inet_address_mask_new_from_string(ranges[i], NULL);

		if (m != NULL)
			g_ptr_array_add(out, m);
	}
	return out;
}

static int
agreement(const char *path)
{
	g_autoptr(GPtrArray) rows = rows_of(path);
	g_autoptr(GPtrArray) trusted = masks_from_env("RELAYS_TRUSTED");
	g_autoptr(GPtrArray) internal = masks_from_env("RELAYS_INTERNAL");
	guint same = 0, shown = 0;

	for (guint i = 0; i < rows->len; i++) {
		Trail t;
		char *got[4];
		guint unparseable;
		gboolean equal = TRUE;

		if (!trail_read(g_ptr_array_index(rows, i), &t))
			continue;
		trail_got(&t, trusted, internal, got, &unparseable);
		for (int k = 0; k < 4; k++) {
			if (equal && strcmp(got[k], t.want[k]) != 0 && shown++ < 40)
				g_print("DIFF %s list %d\n  sa: %s\n  us: %s\n", t.name, k, t.want[k],
					got[k]);
			equal = equal && strcmp(got[k], t.want[k]) == 0;
			g_free(got[k]);
		}
		same += equal && unparseable == t.unparseable;
		trail_clear(&t);
	}
	g_print("agreement: %u of %u messages (%.1f%%)\n", same, rows->len,
		rows->len ? 100.0 * same / rows->len : 0.0);
	return 0;
}

/* --- hand-made trails ---------------------------------------------------- */

static PcRelays *
parse_lines(const char *const *lines, const GPtrArray *trusted)
{
	return pc_relays_parse((char *const *)lines, g_strv_length((char **)lines), trusted, NULL);
}

/* check_all_trusted and check_no_relays; expectations as SpamAssassin's
 * for the "at" and "up" trails of hand.tsv and trusted.tsv. */
static void
test_all_trusted(void)
{
	static const char *const ranges[] = { "192.0.2.0/24", NULL };
	const char *inside = "from inside (inside.example.org [192.0.2.99]) by mail.example.org "
		"(Postfix) with ESMTP id 1; Thu, 22 Aug 2002 08:17:21 -0400";
	const char *local = "from localhost (localhost [127.0.0.1]) by inside.example.org "
		"(Postfix) with ESMTP id 2; Thu, 22 Aug 2002 08:17:20 -0400";
	const char *lan = "from pc ([10.1.2.3]) by inside.example.org (8.12.6/8.12.6) with SMTP "
		"id g7MCJiZ06043; Thu, 22 Aug 2002 13:19:44 +0100";
	const char *both[] = { inside, local, NULL };
	const char *junk[] = { inside, "junk that is no Received line", NULL };
	const char *unparseable[] = { inside, "from nowhere", NULL };
	const char *private[] = { local, lan, NULL };
	g_autoptr(GPtrArray) m = masks(ranges);
	g_autoptr(PcRelays) r = parse_lines(both, m);
	g_autoptr(PcRelays) inferred = parse_lines(both, NULL);
	g_autoptr(PcRelays) j = parse_lines(junk, m);
	g_autoptr(PcRelays) u = parse_lines(unparseable, m);
	g_autoptr(PcRelays) p = parse_lines(private, NULL);
	g_autoptr(PcRelays) none = parse_lines(junk + 1, NULL);

	g_assert_cmpuint(r->trusted->len, ==, 2);
	g_assert_true(pc_relays_all_trusted(r));
	/* without trusted_networks a public address ends the trust */
	g_assert_false(pc_relays_all_trusted(inferred));
	g_assert_cmpuint(inferred->untrusted->len, ==, 2);
	/* ...and private ones extend it */
	g_assert_true(pc_relays_all_trusted(p));
	/* a line that is no handover is skipped, not counted */
	g_assert_true(pc_relays_all_trusted(j));
	g_assert_cmpuint(u->unparseable, ==, 1);
	g_assert_false(pc_relays_all_trusted(u));
	g_assert_false(pc_relays_none(u));
	g_assert_true(pc_relays_none(none));
	g_assert_false(pc_relays_all_trusted(none));
}

/* 8-bit values are read as SpamAssassin reads a header that is not
 * UTF-8 (expected: its output for these two lines). */
static void
test_eight_bit(void)
{
	const char *lines[] = {
		"from caf\xe9 (caf\xe9.example [198.51.100.8]) by mx.example.org (Postfix) with ESMTP "
		"id AAA111; Thu, 22 Aug 2002 08:17:21 -0400",
		"from x\x81y (x.example [198.51.100.9]) by mx.example.org (Postfix) with ESMTP "
		"id AAA112; Thu, 22 Aug 2002 08:17:21 -0400",
		NULL,
	};
	g_autoptr(PcRelays) r = parse_lines(lines, NULL);
	g_autofree char *u = pc_relays_text(r->untrusted);

	g_assert_cmpstr(u, ==, "[ ip=198.51.100.8 rdns=caf\xc3\xa9.example helo=caf\xc3\xa9 "
			"by=mx.example.org ident= envfrom= intl=0 id=AAA111 auth= msa=0 ] "
			"[ ip=198.51.100.9 rdns=x.example helo=x\xef\xbf\xbdy by=mx.example.org "
			"ident= envfrom= intl=0 id=AAA112 auth= msa=0 ]");
}

/* A hostile trail: many headers, huge and binary values; bounded and sane. */
static void
test_hostile(void)
{
	const guint n = 10000;
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
	GString *big = g_string_new("from ");
	char junk[4096];
	g_autoptr(PcRelays) r = NULL;
	g_autoptr(PcRelays) b = NULL;
	g_autofree char *text = NULL;
	gint64 start = g_get_monotonic_time();

	for (guint i = 0; i < n; i++)
		g_ptr_array_add(lines, g_strdup_printf("from h%u (h%u [198.51.100.%u]) by "
						       "x.example (8.9.3/8.9.3) with ESMTP id a%u",
						       i, i, i % 250 + 1, i));
	r = pc_relays_parse((char *const *)lines->pdata, lines->len, NULL, NULL);
	g_assert_cmpuint(r->untrusted->len, ==, PC_RELAYS_MAX_HEADERS);

	while (big->len < 100 * 1024)
		g_string_append(big, "( [1.2.3.4] (helo=a ident=b) by by (x) with SMTP id ");
	for (guint i = 0; i < sizeof junk - 1; i++)
		junk[i] = (char)(1 + (i * 7919u) % 255);
	junk[sizeof junk - 1] = '\0';
	g_ptr_array_set_size(lines, 0);
	g_ptr_array_add(lines, g_string_free(big, FALSE));
	g_ptr_array_add(lines, g_strconcat("from ", junk, NULL));
	g_ptr_array_add(lines, g_strdup(junk));
	b = pc_relays_parse((char *const *)lines->pdata, lines->len, NULL, NULL);
	text = pc_relays_text(b->untrusted);
	g_assert_nonnull(text);
	/* bounded: a few seconds at most even under sanitizers */
	g_assert_cmpint(g_get_monotonic_time() - start, <, 60 * G_USEC_PER_SEC);
}

static void
test_originating(void)
{
	g_autofree char *line = pc_relays_originating("[203.0.113.5]");
	g_autofree char *none = pc_relays_originating("no address here");

	g_assert_cmpstr(line, ==, "from X-Originating-IP: 203.0.113.5");
	g_assert_null(none);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--agreement") == 0)
		return agreement(argv[2]);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/received/corpus-trails", test_corpus_trails);
	g_test_add_func("/received/hand-trails", test_hand_trails);
	g_test_add_func("/received/hand-trails-trusted", test_hand_trails_trusted);
	g_test_add_func("/received/all-trusted", test_all_trusted);
	g_test_add_func("/received/eight-bit", test_eight_bit);
	g_test_add_func("/received/hostile", test_hostile);
	g_test_add_func("/received/originating", test_originating);
	return g_test_run();
}
