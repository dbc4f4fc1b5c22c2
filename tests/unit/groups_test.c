/*
 * Unit tests for policy groups: masks and networks, which group a
 * (sender, recipient, client, login) falls in, groups loaded from
 * configuration (inheritance, errors with file:line), and the parts of
 * the decision that groups choose between (copy, notify, tag, severity).
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cases.h"

#include "conf.h"
#include "conf_keys.h"
#include "decide.h"
#include "groups.h"

typedef struct {
	const char *name;
	const char *mask;
	const char *address;
	gboolean match;
} MaskCase;

static const MaskCase mask_cases[] = {
	{ "exact", "boss@Example.com", "BOSS@example.COM", TRUE },
	{ "exact-other", "boss@example.com", "boss2@example.com", FALSE },
	{ "domain-star", "*@sales.test", "ann@sales.test", TRUE },
	{ "domain-star-sub", "*@sales.test", "ann@eu.sales.test", FALSE },
	{ "domain-at", "@sales.test", "ann@SALES.test", TRUE },
	{ "domain-bare", "sales.test", "bob@sales.test", TRUE },
	{ "glob-sub", "*@*.sales.test", "ann@eu.sales.test", TRUE },
	{ "glob-local", "info-?@x.test", "info-1@x.test", TRUE },
	{ "glob-local-miss", "info-?@x.test", "info-12@x.test", FALSE },
	{ "null-sender", "<>", "", TRUE },
	{ "null-sender-miss", "<>", "a@b.test", FALSE },
	{ "regex", "re:^[a-z]+\\.[a-z]+@corp\\.test$", "Ann.Lee@corp.test", TRUE },
	{ "regex-miss", "re:^[a-z]+\\.[a-z]+@corp\\.test$", "ann@corp.test", FALSE },
};

static void
test_mask_case(gconstpointer data)
{
	const MaskCase *c = data;
	PcMasks *masks = pc_masks_new();

	g_assert_true(pc_masks_add(masks, c->mask, NULL));
	g_assert_cmpint(pc_masks_match(masks, c->address), ==, c->match);
	pc_masks_unref(masks);
}

static char *
write_temp(const char *text)
{
	char *path = NULL;
	int fd = g_file_open_tmp("groups-test-XXXXXX", &path, NULL);

	close(fd);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void
test_mask_file(void)
{
	g_autofree char *path = write_temp("# sales staff\nann@x.test\n\n*@sales.test # all\n");
	g_autofree char *bad = write_temp("ok@x.test\nre:([\n");
	g_autofree char *mask = g_strconcat("file:", path, NULL);
	g_autofree char *badmask = g_strconcat("file:", bad, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *expect = g_strdup_printf("%s:2: ", bad);
	PcMasks *masks = pc_masks_new();

	g_assert_true(pc_masks_add(masks, mask, NULL));
	g_assert_cmpuint(pc_masks_count(masks), ==, 2);
	g_assert_true(pc_masks_match(masks, "ann@x.test"));
	g_assert_true(pc_masks_match(masks, "joe@sales.test"));
	g_assert_false(pc_masks_match(masks, "joe@x.test"));
	g_assert_false(pc_masks_add(masks, badmask, &error));
	g_assert_true(g_str_has_prefix(error->message, expect));
	pc_masks_unref(masks);
	g_unlink(path);
	g_unlink(bad);
}

static void
test_mask_bad(void)
{
	PcMasks *masks = pc_masks_new();
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;

	g_assert_false(pc_masks_add(masks, "two words@x.test", &e1));
	g_assert_false(pc_masks_add(masks, "file:/nonexistent/masks", &e2));
	g_assert_nonnull(strstr(e2->message, "/nonexistent/masks"));
	pc_masks_unref(masks);
}

/* Thousands of addresses: a hash lookup, not a walk through them. */
static void
test_mask_many(void)
{
	PcMasks *masks = pc_masks_new();

	for (guint i = 0; i < 10000; i++) {
		g_autofree char *m = g_strdup_printf("user%u@big.test", i);

		g_assert_true(pc_masks_add(masks, m, NULL));
	}
	g_assert_true(pc_masks_match(masks, "user9999@big.test"));
	g_assert_false(pc_masks_match(masks, "user10000@big.test"));
	g_assert_cmpuint(pc_masks_count(masks), ==, 10000);
	pc_masks_unref(masks);
}

static void
test_networks(void)
{
	PcNetworks *nets = pc_networks_new();
	g_autoptr(GError) error = NULL;

	g_assert_true(pc_networks_add(nets, "10.0.0.0/8", NULL));
	g_assert_true(pc_networks_add(nets, "192.0.2.7", NULL));
	g_assert_true(pc_networks_add(nets, "2001:db8::/33", NULL));
	g_assert_true(pc_networks_add(nets, "172.16.0.0/12", NULL));
	g_assert_true(pc_networks_match(nets, "10.200.1.1"));
	g_assert_true(pc_networks_match(nets, "::ffff:10.1.2.3"));
	g_assert_true(pc_networks_match(nets, "192.0.2.7"));
	g_assert_false(pc_networks_match(nets, "192.0.2.8"));
	g_assert_true(pc_networks_match(nets, "2001:db8:7fff::1"));
	g_assert_false(pc_networks_match(nets, "2001:db8:8000::1"));
	g_assert_true(pc_networks_match(nets, "172.31.255.255"));
	g_assert_false(pc_networks_match(nets, "172.32.0.0"));
	g_assert_false(pc_networks_match(nets, "unknown"));
	g_assert_false(pc_networks_add(nets, "10.0.0.0/33", &error));
	pc_networks_unref(nets);
}

static const char groups_conf[] =
	"[policy]\n"
	"block = infected\n"
	"[group:sales]\n"
	"recipients = *@sales.test\n"
	"block = infected, filtered\n"
	"notify_recipients = filtered\n"
	"[group:trusted]\n"
	"clients = 10.0.0.0/8\n"
	"authenticated = yes\n"
	"priority = 5\n"
	"av = no\n"
	"[group:boss]\n"
	"senders = boss@corp.test\n"
	"recipients = *@sales.test\n"
	"priority = 1\n"
	"tag = infected\n";

static PcmConfig *
load_text(const char *text, const char *const *overrides, GError **error)
{
	g_autofree char *path = write_temp(text);
	PcmConfig *conf = pcm_conf_load_with(path, overrides, error);

	g_unlink(path);
	return conf;
}

static const char *
match_name(const PcmConfig *conf, const char *sender, const char *rcpt, const char *client,
	   gboolean auth)
{
	PcEnvelope env = { sender, rcpt, client, auth };
	const PcGroup *group = pc_groups_match(conf->groups, &env);

	return group ? group->name : "default";
}

static void
test_groups_match(void)
{
	g_autoptr(PcmConfig) conf = load_text(groups_conf, NULL, NULL);

	g_assert_nonnull(conf);
	g_assert_cmpuint(conf->groups->len, ==, 3);
	g_assert_cmpstr(match_name(conf, "a@x.test", "ann@sales.test", "192.0.2.1", FALSE), ==,
			"sales");
	g_assert_cmpstr(match_name(conf, "a@x.test", "ann@other.test", "192.0.2.1", FALSE), ==,
			"default");
	/* priority beats file order; all conditions must hold */
	g_assert_cmpstr(match_name(conf, "boss@corp.test", "ann@sales.test", "192.0.2.1", FALSE),
			==, "boss");
	g_assert_cmpstr(match_name(conf, "boss@corp.test", "ann@sales.test", "10.1.1.1", TRUE),
			==, "trusted");
	g_assert_cmpstr(match_name(conf, "a@x.test", "ann@other.test", "10.1.1.1", FALSE), ==,
			"default");
	g_assert_cmpstr(match_name(conf, "", "ann@sales.test", "10.1.1.1", FALSE), ==, "sales");
}

/* A group's policy is the default's, -o included, plus its own keys. */
static void
test_groups_inherit(void)
{
	g_autoptr(PcmConfig) conf = load_text(groups_conf, (const char *const[]){
		"policy.rename_suffix=.held", "scan.scan_mode=parts", NULL }, NULL);
	const PcGroup *sales = NULL;

	for (guint i = 0; i < conf->groups->len; i++)
		if (strcmp(((PcGroup *)g_ptr_array_index(conf->groups, i))->name, "sales") == 0)
			sales = g_ptr_array_index(conf->groups, i);
	g_assert_nonnull(sales);
	g_assert_cmpuint(conf->policy.block, ==, 1u << PC_STATUS_INFECTED);
	g_assert_cmpuint(sales->policy.block, ==,
			 (1u << PC_STATUS_INFECTED) | (1u << PC_STATUS_FILTERED));
	g_assert_cmpuint(sales->policy.notify_recipients, ==, 1u << PC_STATUS_FILTERED);
	g_assert_cmpstr(sales->policy.rename_suffix, ==, ".held");
	g_assert_true(sales->policy.rename_suffix != conf->policy.rename_suffix);
	g_assert_cmpint(sales->policy.scan_mode, ==, PC_SCAN_PARTS);
	g_assert_true(sales->policy.filter.name_include != NULL &&
		      sales->policy.filter.name_include != conf->policy.filter.name_include);
	g_assert_true(pc_policy_same_scan(&sales->policy, &conf->policy));
}

typedef struct {
	const char *name;
	const char *text;
	const char *error;	/* after "PATH:" */
} GroupErrorCase;

static const GroupErrorCase group_error_cases[] = {
	{ "bad-regex", "[group:a]\n\nsenders = re:([\n",
	  "3: [group:a] senders: \"re:([\": " },
	{ "bad-cidr", "[group:a]\nclients = 10.0.0.0/40\n",
	  "2: [group:a] clients: \"10.0.0.0/40\": not an IP address" },
	{ "unknown-key", "[group:a]\nrecipients = a@b.test\nblok = infected\n",
	  "3: [group:a] blok: unknown policy key" },
	{ "engine-wide-key", "[group:a]\nmax_file_size = 10M\n",
	  "2: [group:a] max_file_size: engine-wide key of [av]" },
	{ "bad-policy-value", "[group:a]\nblock_action = bounce\n",
	  "2: [group:a] block_action: [policy] block_action: \"bounce\" is not one of" },
	{ "bad-auth", "[group:a]\nauthenticated = maybe\n",
	  "2: [group:a] authenticated: \"maybe\" is not yes or no" },
	{ "duplicate", "[group:a]\n[group:b]\n[group:a]\n", "3: [group:a]: already defined at " },
	{ "bad-tag", "[group:a]\nsubject_tag = [{score}]\n",
	  "2: [group:a] subject_tag: [policy] subject_tag: \"[{score}]\" line 1: unknown" },
};

static void
test_group_error(gconstpointer data)
{
	const GroupErrorCase *c = data;
	g_autofree char *path = write_temp(c->text);
	g_autofree char *expect = g_strdup_printf("%s:%s", path, c->error);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = pcm_conf_load(path, &error);

	g_assert_null(conf);
	g_assert_nonnull(error);
	if (!g_str_has_prefix(error->message, expect))
		g_error("got \"%s\", expected a start of \"%s\"", error->message, expect);
	g_unlink(path);
}

/* groups_dir: files in name order after portcullis.conf; nothing else in them. */
static void
test_groups_dir(void)
{
	g_autofree char *dir = g_dir_make_tmp("groups-test-XXXXXX", NULL);
	g_autofree char *a = g_build_filename(dir, "10-a.conf", NULL);
	g_autofree char *b = g_build_filename(dir, "20-b.conf", NULL);
	g_autofree char *skip = g_build_filename(dir, "b.conf.orig", NULL);
	g_autofree char *opt = g_strdup_printf("groups.groups_dir=%s", dir);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_autoptr(PcmConfig) bad = NULL;

	g_file_set_contents(a, "[group:first]\nrecipients = *@x.test\n", -1, NULL);
	g_file_set_contents(b, "[group:second]\nrecipients = *@x.test\n", -1, NULL);
	g_file_set_contents(skip, "[policy]\nblock = infected\n", -1, NULL);
	conf = load_text("[group:main]\nrecipients = *@y.test\n", (const char *const[]){ opt, NULL },
			 &error);
	g_assert_no_error(error);
	g_assert_cmpuint(conf->groups->len, ==, 3);
	g_assert_cmpstr(match_name(conf, "", "q@x.test", "", FALSE), ==, "first");
	g_file_set_contents(b, "[policy]\nblock = infected\n", -1, NULL);
	bad = load_text("", (const char *const[]){ opt, NULL }, &error);
	g_assert_null(bad);
	g_assert_nonnull(strstr(error->message, "20-b.conf:1: [policy]: only [group:NAME]"));
	g_unlink(a);
	g_unlink(b);
	g_unlink(skip);
	g_rmdir(dir);
}

/* A two-part verdict with one finding of status on part 2. */
static PcVerdict *
one_finding(PcStatus status)
{
	PcVerdict *v = pc_verdict_new();

	for (guint i = 0; i < 3; i++) {
		g_autofree char *path = g_strdup_printf("%u", i);
		PcObject *o = pc_object_new(path);

		o->container = i == 0;
		o->declared_type = g_strdup(i == 0 ? "multipart/mixed" : "text/plain");
		o->boundary = i ? g_strdup("B") : NULL;
		o->header_start = 100 * i;
		o->body_start = 100 * i + 50;
		o->body_end = 100 * i + 90;
		g_ptr_array_add(v->objects, o);
	}
	pc_verdict_add(v, status == PC_STATUS_FILTERED ? "filter" : "av", status, "2", "Name", NULL);
	return v;
}

static void
test_decide_extras(void)
{
	g_autoptr(PcmConfig) conf = load_text(
		"[policy]\nblock = infected\nquarantine = infected, filtered\ntag = filtered\n"
		"subject_tag = *** {status} ***\nadd_headers = no\n"
		"[notify]\nnotify_admin = infected\nnotify_recipients = filtered\n"
		"notify_sender = filtered\n", NULL, NULL);
	g_autoptr(PcVerdict) infected = one_finding(PC_STATUS_INFECTED);
	g_autoptr(PcVerdict) filtered = one_finding(PC_STATUS_FILTERED);
	PcDecision d;

	pc_decide(&conf->policy, infected, NULL, "mx", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_REJECT);
	g_assert_true(d.keep_copy);
	g_assert_cmpuint(d.notify, ==, PC_NOTIFY_ADMIN);
	g_assert_null(d.subject_tag);
	pc_decision_clear(&d);
	pc_decide(&conf->policy, filtered, NULL, "mx", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_ACCEPT);
	g_assert_true(d.keep_copy);
	g_assert_false(d.add_headers);
	g_assert_cmpuint(d.notify, ==, PC_NOTIFY_RECIPIENTS | PC_NOTIFY_SENDER);
	g_assert_cmpstr(d.subject_tag, ==, "*** filtered ***");
	pc_decision_tempfail(&d, "later");
	g_assert_false(d.keep_copy);
	g_assert_cmpuint(d.notify, ==, 0);
	pc_decision_clear(&d);
}

/* Allow and block lists: the allow list wins; a group inherits the
 * default's lists or sets its own; no envelope, no lists. */
static void
test_decide_lists(void)
{
	g_autoptr(PcmConfig) conf = load_text(
		"[policy]\nblock = spam\n"
		"[spam]\nallow_senders = *@partner.test, boss@corp.test\n"
		"allow_clients = 192.0.2.0/24\nblock_senders = re:^win\nblock_clients = 2001:db8::/32\n"
		"[group:sales]\nrecipients = *@sales.test\nblock_senders = *@partner.test\n"
		"allow_senders =\n", NULL, NULL);
	g_autoptr(PcVerdict) spam = one_finding(PC_STATUS_CLEAN);
	g_autoptr(PcVerdict) clean = one_finding(PC_STATUS_CLEAN);
	const PcPolicy *sales;
	PcDecision d;
	static const struct {
		const char *sender, *client;
		PcListed listed;
	} cases[] = {
		{ "ann@partner.test", "203.0.113.1", PC_LISTED_ALLOW },
		{ "Boss@Corp.test", NULL, PC_LISTED_ALLOW },
		{ "x@y.test", "192.0.2.77", PC_LISTED_ALLOW },
		{ "winner@y.test", "192.0.2.77", PC_LISTED_ALLOW },	/* allow wins */
		{ "winner@y.test", "203.0.113.1", PC_LISTED_BLOCK },
		{ "x@y.test", "2001:db8::25", PC_LISTED_BLOCK },
		{ "x@y.test", "203.0.113.1", PC_LISTED_NONE },
		{ "", NULL, PC_LISTED_NONE },
	};

	g_assert_nonnull(conf);
	pc_verdict_add(spam, "spam", PC_STATUS_SPAM, "message", "BAYES_99", NULL);
	spam->spam_scanned = TRUE;
	spam->spam_score = 7.5;
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		PcEnvelope e = { cases[i].sender, "r@x.test", cases[i].client, FALSE };

		g_test_message("case %u: %s %s", i, cases[i].sender, cases[i].client);
		g_assert_cmpint(pc_spam_listed(&conf->policy, &e), ==, cases[i].listed);
	}
	/* allow-listed spam is delivered, scored -100 */
	pc_decide(&conf->policy, spam, &(PcEnvelope){ "ann@partner.test", NULL, NULL, FALSE }, "mx",
		  &d);
	g_assert_cmpint(d.action, ==, PC_ACT_ACCEPT);
	g_assert_cmpstr(d.spam_list, ==, PC_ALLOWLIST_TEST);
	g_assert_cmpfloat(d.spam_score, ==, 7.5 - PC_LIST_SCORE);
	pc_decision_clear(&d);
	/* a block-listed sender's clean message is spam, blocked */
	pc_decide(&conf->policy, clean, &(PcEnvelope){ "win@y.test", NULL, NULL, FALSE }, "mx", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_REJECT);
	g_assert_cmpstr(d.reason, ==, "spam: " PC_BLOCKLIST_TEST);
	pc_decision_clear(&d);
	/* without an envelope the lists do not apply */
	pc_decide(&conf->policy, spam, NULL, "mx", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_REJECT);
	g_assert_null(d.spam_list);
	pc_decision_clear(&d);
	/* the group's own lists: partner is blocked there, its allow list empty */
	sales = &((PcGroup *)g_ptr_array_index(conf->groups, 0))->policy;
	g_assert_cmpint(pc_spam_listed(sales, &(PcEnvelope){ "ann@partner.test", NULL, NULL, 0 }),
			==, PC_LISTED_BLOCK);
	g_assert_cmpint(pc_spam_listed(sales, &(PcEnvelope){ "x@y.test", NULL, "2001:db8::1", 0 }),
			==, PC_LISTED_BLOCK);
}

/* strictest: reject > quarantine > discard > tempfail > accept, and among
 * accepts the one that takes more away. */
static void
test_decide_severity(void)
{
	g_autoptr(PcmConfig) conf = load_text("[policy]\nblock = infected\n", NULL, NULL);
	g_autoptr(PcVerdict) filtered = one_finding(PC_STATUS_FILTERED);
	g_autoptr(PcVerdict) clean = one_finding(PC_STATUS_CLEAN);
	PcDecision reject = { .action = PC_ACT_REJECT }, quarantine = { .action = PC_ACT_QUARANTINE };
	PcDecision discard = { .action = PC_ACT_DISCARD }, tempfail = { .action = PC_ACT_TEMPFAIL };
	PcDecision replaced, untouched;

	pc_decide(&conf->policy, filtered, NULL, "mx", &replaced);
	pc_decide(&conf->policy, clean, NULL, "mx", &untouched);
	g_assert_cmpint(replaced.edits->len, ==, 1);
	g_assert_cmpint(pc_decision_severity(&reject), >, pc_decision_severity(&quarantine));
	g_assert_cmpint(pc_decision_severity(&quarantine), >, pc_decision_severity(&discard));
	g_assert_cmpint(pc_decision_severity(&discard), >, pc_decision_severity(&tempfail));
	g_assert_cmpint(pc_decision_severity(&tempfail), >, pc_decision_severity(&replaced));
	g_assert_cmpint(pc_decision_severity(&replaced), >, pc_decision_severity(&untouched));
	pc_decision_clear(&replaced);
	pc_decision_clear(&untouched);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/masks", mask_cases, test_mask_case);
	g_test_add_func("/masks/file", test_mask_file);
	g_test_add_func("/masks/bad", test_mask_bad);
	g_test_add_func("/masks/many", test_mask_many);
	g_test_add_func("/networks", test_networks);
	g_test_add_func("/groups/match", test_groups_match);
	g_test_add_func("/groups/inherit", test_groups_inherit);
	PC_TEST_ADD_CASES("/groups/error", group_error_cases, test_group_error);
	g_test_add_func("/groups/dir", test_groups_dir);
	g_test_add_func("/decide/extras", test_decide_extras);
	g_test_add_func("/decide/lists", test_decide_lists);
	g_test_add_func("/decide/severity", test_decide_severity);
	return g_test_run();
}
