/*
 * Unit tests for policy/: the decision step (verdict + policy -> actions)
 * on hand-made verdicts, with policies loaded through the real
 * configuration table, and the {variable} templates.
 */
#include "config.h"

#include <string.h>

#include "cases.h"

#include "actions.h"
#include "decide.h"
#include "template.h"

/* A two-part message: "1" text, "2" the attachment a.exe; findings on "2"
 * (or on "message" when at_message) with the given status and name. */
static PcVerdict *
decide_verdict(PcStatus status, const char *name, gboolean at_message, guint parts)
{
	PcVerdict *verdict = pc_verdict_new();

	for (guint i = 0; i <= parts; i++) {
		g_autofree char *path = g_strdup_printf("%u", i);
		PcObject *o = pc_object_new(path);

		o->container = i == 0;
		o->declared_type = g_strdup(i == 0 ? "multipart/mixed" : "application/octet-stream");
		o->detected_type = g_strdup("application/x-dosexec");
		o->boundary = i == 0 ? NULL : g_strdup("B");
		o->depth = i == 0 ? 0 : 1;
		o->header_start = 100 * i;
		o->body_start = 100 * i + 50;
		o->body_end = 100 * i + 90;
		o->size = 544;
		if (i == parts && i > 0)
			g_ptr_array_add(o->names, g_strdup("a.exe"));
		g_ptr_array_add(verdict->objects, o);
	}
	if (status != PC_STATUS_CLEAN) {
		g_autofree char *where = g_strdup_printf("%u", parts);

		pc_verdict_add(verdict, status == PC_STATUS_FILTERED ? "filter" : "av", status,
			       at_message ? NULL : where, name,
			       status == PC_STATUS_UNSCANNABLE ? "limit:MaxRecursion" :
			       status == PC_STATUS_ERROR ? "libclamav: out of memory" : NULL);
	}
	return verdict;
}

typedef struct {
	const char *name;
	PcStatus status;
	const char *signature;
	gboolean at_message;
	gboolean signed_body;
	guint parts;
	const char *setting1, *setting2;	/* group.key=value */
	PcAction action;
	const char *rcode, *reply, *header;
	int edit;				/* PcObjectAction of "the" edit, -1: none */
} DecideCase;

static const DecideCase decide_cases[] = {
	{ "clean", PC_STATUS_CLEAN, NULL, FALSE, FALSE, 2, NULL, NULL, PC_ACT_ACCEPT, NULL, NULL,
	  "Clean", -1 },
	{ "infected-blocked-reject", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2, NULL, NULL,
	  PC_ACT_REJECT, "550", "Message rejected: virus Eicar-Test found", NULL, -1 },
	{ "reply-template-sanitised", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.reject_message=No {virus} here, 100%", NULL, PC_ACT_REJECT, "550",
	  "No Eicar-Test here, 100 ", NULL, -1 },
	/* Control and 8-bit characters of a name (a tab as a space, one '?'
	 * per UTF-8 character or stray byte) never reach the SMTP reply. */
	{ "reply-printable-ascii", PC_STATUS_INFECTED, "A\tB\x1b" "C\xc3\xa9" "D\xff" "E\r\nF%\x7f",
	  FALSE, FALSE, 2, NULL, NULL, PC_ACT_REJECT, "550",
	  "Message rejected: virus A B?C?D?E  F ? found", NULL, -1 },
	/* Nor the X-Virus-Status header: a detail or name there can be the
	 * sender's text (an alternative boundary, say). */
	{ "header-printable-ascii", PC_STATUS_INFECTED, "Evil\r\nX-Injected: yes\xc3\xa9",
	  FALSE, FALSE, 2, "policy.block=unscannable", "policy.infected_action=pass", PC_ACT_ACCEPT,
	  NULL, NULL, "Infected (Evil  X-Injected: yes?)", -1 },
	{ "block-discard", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block_action=discard", NULL, PC_ACT_DISCARD, NULL, NULL, NULL, -1 },
	{ "block-quarantine", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block_action=quarantine", NULL, PC_ACT_QUARANTINE, NULL, NULL, NULL, -1 },
	{ "block-tempfail", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block_action=tempfail", NULL, PC_ACT_TEMPFAIL, "451",
	  "Message rejected: virus Eicar-Test found", NULL, -1 },
	{ "infected-placeholder", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block=unscannable", NULL, PC_ACT_ACCEPT, NULL, NULL,
	  "Infected (Eicar-Test), 1 attachment replaced", PC_OBJ_PLACEHOLDER },
	{ "infected-remove", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block=unscannable", "policy.infected_action=remove", PC_ACT_ACCEPT, NULL, NULL,
	  "Infected (Eicar-Test), 1 attachment removed", PC_OBJ_REMOVE },
	{ "remove-only-part-is-placeholder", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 1,
	  "policy.block=unscannable", "policy.infected_action=remove", PC_ACT_ACCEPT, NULL, NULL,
	  "Infected (Eicar-Test), 1 attachment replaced", PC_OBJ_PLACEHOLDER },
	{ "infected-pass", PC_STATUS_INFECTED, "Eicar-Test", FALSE, FALSE, 2,
	  "policy.block=unscannable", "policy.infected_action=pass", PC_ACT_ACCEPT, NULL, NULL,
	  "Infected (Eicar-Test)", -1 },
	{ "whole-message-only-cannot-edit", PC_STATUS_INFECTED, "Eicar-Test", TRUE, FALSE, 2,
	  "policy.block=unscannable", NULL, PC_ACT_ACCEPT, NULL, NULL, "Infected (Eicar-Test)",
	  -1 },
	{ "filtered-placeholder", PC_STATUS_FILTERED, "name:*.exe", FALSE, FALSE, 2, NULL, NULL,
	  PC_ACT_ACCEPT, NULL, NULL, "Filtered (name:*.exe), 1 attachment replaced",
	  PC_OBJ_PLACEHOLDER },
	{ "filtered-rename", PC_STATUS_FILTERED, "executable", FALSE, FALSE, 2,
	  "policy.filtered_action=rename", NULL, PC_ACT_ACCEPT, NULL, NULL,
	  "Filtered (executable), 1 attachment renamed", PC_OBJ_RENAME },
	{ "filtered-blocked", PC_STATUS_FILTERED, "executable", FALSE, FALSE, 2,
	  "policy.block=filtered", NULL, PC_ACT_REJECT, "550",
	  "Message rejected: filtered: executable", NULL, -1 },
	{ "suspicious-passes", PC_STATUS_SUSPICIOUS, "Heuristics.OLE2.ContainsMacros", FALSE, FALSE,
	  2, NULL, NULL, PC_ACT_ACCEPT, NULL, NULL,
	  "Suspicious (Heuristics.OLE2.ContainsMacros)", -1 },
	{ "encrypted-passes", PC_STATUS_ENCRYPTED, "Heuristics.Encrypted.Zip", FALSE, FALSE, 2, NULL,
	  NULL, PC_ACT_ACCEPT, NULL, NULL, "Encrypted (Heuristics.Encrypted.Zip)", -1 },
	{ "unscannable-blocked", PC_STATUS_UNSCANNABLE, NULL, FALSE, FALSE, 2, NULL, NULL,
	  PC_ACT_REJECT, "550", "Message rejected: unscannable attachment (limit:MaxRecursion)",
	  NULL, -1 },
	{ "unscannable-message", PC_STATUS_UNSCANNABLE, NULL, TRUE, FALSE, 2, NULL, NULL,
	  PC_ACT_REJECT, "550", "Message rejected: unscannable message (limit:MaxRecursion)",
	  NULL, -1 },
	{ "error-tempfail", PC_STATUS_ERROR, NULL, FALSE, FALSE, 2, NULL, NULL, PC_ACT_TEMPFAIL,
	  "451", "Virus scan failed, try again later", NULL, -1 },
	{ "error-accept", PC_STATUS_ERROR, NULL, FALSE, FALSE, 2, "policy.on_error=accept", NULL,
	  PC_ACT_ACCEPT, NULL, NULL, "Unscanned (error)", -1 },
	{ "error-reject", PC_STATUS_ERROR, NULL, FALSE, FALSE, 2, "policy.on_error=reject", NULL,
	  PC_ACT_REJECT, "550", "Message could not be scanned", NULL, -1 },
	{ "signed-modify", PC_STATUS_FILTERED, "executable", FALSE, TRUE, 2, NULL, NULL,
	  PC_ACT_ACCEPT, NULL, NULL, "Filtered (executable), 1 attachment replaced",
	  PC_OBJ_PLACEHOLDER },
	/* anyone can add a DKIM-Signature: pass needs a verified one (below) */
	{ "signed-pass-unverified", PC_STATUS_FILTERED, "executable", FALSE, TRUE, 2,
	  "policy.signed_action=pass", "auth.signed_domains=good.test", PC_ACT_ACCEPT, NULL,
	  NULL, "Filtered (executable), 1 attachment replaced", PC_OBJ_PLACEHOLDER },
	{ "signed-block", PC_STATUS_FILTERED, "executable", FALSE, TRUE, 2,
	  "policy.signed_action=block", NULL, PC_ACT_REJECT, "550",
	  "Message rejected: filtered: executable", NULL, -1 },
};

static void
test_decide_case(gconstpointer data)
{
	const DecideCase *c = data;
	const char *settings[] = { c->setting1, c->setting2, NULL };
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, settings, NULL);
	g_autoptr(PcVerdict) verdict = decide_verdict(c->status, c->signature, c->at_message,
						      c->parts);
	PcDecision d;

	g_assert_nonnull(conf);
	verdict->signed_body = c->signed_body;
	pc_decide(&conf->policy, verdict, NULL, "mx.example", &d);
	g_assert_cmpstr(pc_action_name(d.action), ==, pc_action_name(c->action));
	g_assert_cmpstr(d.rcode, ==, c->rcode);
	g_assert_cmpstr(d.reply, ==, c->reply);
	g_assert_cmpstr(d.status, ==, c->header);
	g_assert_cmpuint(d.edits->len, ==, c->edit < 0 ? 0 : 1);
	if (c->edit >= 0)
		g_assert_cmpint(g_array_index(d.edits, PcEdit, 0).action, ==, c->edit);
	pc_decision_clear(&d);
}

/* Several findings on one part: the strongest action wins, and an error
 * elsewhere does not soften a block. */
static void
test_decide_strongest(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_SUSPICIOUS, "Heuristics.X", FALSE, 2);
	PcDecision d;

	pc_verdict_add(v, "filter", PC_STATUS_FILTERED, "2", "name:*.exe", "a.exe");
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpuint(d.edits->len, ==, 1);
	g_assert_cmpint(g_array_index(d.edits, PcEdit, 0).action, ==, PC_OBJ_PLACEHOLDER);
	pc_decision_clear(&d);

	pc_verdict_add(v, "av", PC_STATUS_ERROR, "1", NULL, "libclamav: out of memory");
	pc_verdict_add(v, "av", PC_STATUS_INFECTED, "1", "Eicar-Test", NULL);
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_REJECT);
	pc_decision_clear(&d);
}

/* The notice names the file, the status, the reason and the host. */
static void
test_decide_notice(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){
		"policy.block=unscannable", NULL }, NULL);
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_INFECTED, "Eicar-Test", FALSE, 2);
	PcDecision d;
	const char *notice;

	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	notice = g_array_index(d.edits, PcEdit, 0).notice;
	g_assert_nonnull(strstr(notice, "File:    a.exe\n"));
	g_assert_nonnull(strstr(notice, "Status:  infected\n"));
	g_assert_nonnull(strstr(notice, "Reason:  virus Eicar-Test found\n"));
	g_assert_nonnull(strstr(notice, "on mx.example."));
	g_assert_nonnull(strstr(notice, "application/x-dosexec), 544 bytes"));
	pc_decision_clear(&d);
}

static void
test_decide_rename(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){
		"policy.filtered_action=rename", "policy.rename_suffix=_x", NULL }, NULL);
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_FILTERED, "executable", FALSE, 2);
	PcDecision d;

	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpstr(g_array_index(d.edits, PcEdit, 0).new_name, ==, "a.exe_x");
	pc_decision_clear(&d);
}

/* Body text gets the disclaimer, attachments never; a signed message only
 * when it may be changed. */
/* Sender authentication results as the engine gives them: one DKIM
 * signature, From at bank.test, SPF none. */
static PcAuth *
auth_results(PcAuthResult dkim, const char *d, gboolean whole_body)
{
	PcAuth *auth = pc_auth_new();
	PcDkimResult *r = g_new0(PcDkimResult, 1);

	auth->dkim = g_ptr_array_new_with_free_func(g_free);
	r->result = dkim;
	r->domain = (char *)d;	/* the array frees only r: d stays the caller's */
	r->whole_body = whole_body;
	g_ptr_array_add(auth->dkim, r);
	auth->from_address = g_strdup("ceo@bank.test");
	auth->from_domain = g_strdup("bank.test");
	return auth;
}

static void
test_decide_disclaimer(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 2);
	PcObject *text = pc_verdict_object(v, "1");
	PcDecision d;

	g_free(text->declared_type);
	text->declared_type = g_strdup("text/plain");
	conf->policy.disclaimer_text = g_strdup("-- \nchecked by {hostname}\n");
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpstr(d.status, ==, "Clean");
	g_assert_cmpuint(d.edits->len, ==, 1);
	g_assert_true(g_array_index(d.edits, PcEdit, 0).object == text);
	g_assert_cmpint(g_array_index(d.edits, PcEdit, 0).action, ==, PC_OBJ_DISCLAIMER);
	g_assert_cmpstr(g_array_index(d.edits, PcEdit, 0).notice, ==, "-- \nchecked by mx.example\n");
	pc_decision_clear(&d);

	v->signed_body = TRUE;
	conf->policy.signed_action = PC_SIGNED_PASS;
	conf->policy.signed_domains = g_strsplit("good.test", ",", -1);
	v->auth = auth_results(PC_AUTH_PASS, "good.test", TRUE);
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpuint(d.edits->len, ==, 0);
	pc_decision_clear(&d);
}

/* A verified signature earns signed_action = pass only from a listed
 * domain (or below it), and only when it covers the whole body. */
static void
test_decide_signed_verified(void)
{
	static const struct {
		const char *d;
		gboolean whole;
		PcAuthResult result;
		gboolean kept;
	} cases[] = {
		{ "good.test", TRUE, PC_AUTH_PASS, TRUE },
		{ "mail.good.test", TRUE, PC_AUTH_PASS, TRUE },
		{ "notgood.test", TRUE, PC_AUTH_PASS, FALSE },
		{ "good.test", FALSE, PC_AUTH_PASS, FALSE },
		{ "good.test", TRUE, PC_AUTH_FAIL, FALSE },
	};
	const char *settings[] = { "policy.signed_action=pass", "auth.signed_domains=good.test",
				   NULL };
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, settings, NULL);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_FILTERED, "executable", FALSE, 2);
		PcDecision d;

		v->signed_body = TRUE;
		v->auth = auth_results(cases[i].result, cases[i].d, cases[i].whole);
		pc_decide(&conf->policy, v, NULL, "mx.example", &d);
		g_assert_cmpuint(d.edits->len, ==, cases[i].kept ? 0 : 1);
		pc_decision_clear(&d);
	}
}

/* What DMARC and SPF failures get, per policy key, and the trusted
 * forwarder's ARC chain that excuses them. */
static void
test_decide_auth_actions(void)
{
	static const struct {
		const char *setting;
		const char *disposition;	/* NULL: DMARC passed */
		PcAuthResult spf;
		gboolean arc_trusted;
		PcAction action;
		const char *tag;
	} cases[] = {
		{ NULL, "reject", PC_AUTH_NONE, FALSE, PC_ACT_REJECT, NULL },
		{ "auth.dmarc_reject_action=quarantine", "reject", PC_AUTH_NONE, FALSE,
		  PC_ACT_QUARANTINE, NULL },
		{ "auth.dmarc_reject_action=tag", "reject", PC_AUTH_NONE, FALSE, PC_ACT_ACCEPT,
		  "[forged]" },
		{ "auth.dmarc_reject_action=ignore", "reject", PC_AUTH_NONE, FALSE, PC_ACT_ACCEPT,
		  NULL },
		{ NULL, "quarantine", PC_AUTH_NONE, FALSE, PC_ACT_ACCEPT, "[forged]" },
		{ "auth.dmarc_quarantine_action=honour", "quarantine", PC_AUTH_NONE, FALSE,
		  PC_ACT_QUARANTINE, NULL },
		{ NULL, "none", PC_AUTH_NONE, FALSE, PC_ACT_ACCEPT, NULL },
		{ NULL, "reject", PC_AUTH_NONE, TRUE, PC_ACT_ACCEPT, NULL },
		{ NULL, NULL, PC_AUTH_FAIL, FALSE, PC_ACT_ACCEPT, NULL },
		{ "auth.spf_fail_action=reject", NULL, PC_AUTH_FAIL, FALSE, PC_ACT_REJECT, NULL },
		{ "auth.spf_fail_action=reject", NULL, PC_AUTH_SOFTFAIL, FALSE, PC_ACT_ACCEPT, NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *settings[] = { "auth.arc_trusted_sealers=lists.test", cases[i].setting,
					   NULL };
		g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, settings, NULL);
		g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 1);
		PcDecision d;

		v->auth = pc_auth_new();
		v->auth->from_domain = g_strdup("bank.test");
		v->auth->spf = cases[i].spf;
		v->auth->spf_domain = g_strdup("bank.test");
		v->auth->dmarc = cases[i].disposition ? PC_AUTH_FAIL : PC_AUTH_PASS;
		v->auth->dmarc_policy = g_strdup(cases[i].disposition);
		v->auth->dmarc_disposition = g_strdup(cases[i].disposition);
		if (cases[i].arc_trusted) {
			v->auth->arc = PC_AUTH_PASS;
			v->auth->arc_sealer = g_strdup("lists.test");
		}
		pc_decide(&conf->policy, v, NULL, "mx.example", &d);
		g_assert_cmpstr(pc_action_name(d.action), ==, pc_action_name(cases[i].action));
		g_assert_cmpstr(d.subject_tag, ==, cases[i].tag);
		if (d.action == PC_ACT_REJECT)
			g_assert_nonnull(strstr(d.reply, "bank.test"));
		pc_decision_clear(&d);
	}
}

/* A DMARC failure from one of our clients or a logged-in sender is
 * outgoing mail, signed after us: reported, not acted on. */
static void
test_decide_auth_outgoing(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();

	for (int who = 0; who < 3; who++) {
		g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 1);
		PcEnvelope envelope = { "ceo@bank.test", NULL, "192.0.2.1", who == 2 };
		PcDecision d;

		v->auth = pc_auth_new();
		v->auth->from_domain = g_strdup("bank.test");
		v->auth->dmarc = PC_AUTH_FAIL;
		v->auth->dmarc_policy = g_strdup("reject");
		v->auth->dmarc_disposition = g_strdup("reject");
		v->auth->local_client = who == 1;
		pc_decide(&conf->policy, v, &envelope, "mx.example", &d);
		g_assert_cmpstr(pc_action_name(d.action), ==,
				pc_action_name(who == 0 ? PC_ACT_REJECT : PC_ACT_ACCEPT));
		pc_decision_clear(&d);
	}
}

/* auth.allow_senders holds only for an authenticated From. */
static void
test_decide_auth_allow(void)
{
	const char *settings[] = { "auth.allow_senders=ceo@bank.test", NULL };
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, settings, NULL);

	for (int authenticated = 0; authenticated <= 1; authenticated++) {
		g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 1);
		PcDecision d;

		pc_verdict_add(v, "spam", PC_STATUS_SPAM, NULL, "BAYES_99", NULL);
		v->auth = pc_auth_new();
		v->auth->from_address = g_strdup("ceo@bank.test");
		v->auth->from_authenticated = authenticated;
		pc_decide(&conf->policy, v, NULL, "mx.example", &d);
		g_assert_cmpstr(d.spam_list, ==, authenticated ? PC_ALLOWLIST_TEST : NULL);
		pc_decision_clear(&d);
	}
}

/* Every part of a multipart removed: the first becomes a placeholder so
 * that the multipart keeps one, the others go (counted once per parent
 * since messages with thousands of parts made this quadratic). */
static void
test_decide_keep_one_child(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 3);
	PcDecision d;

	for (guint i = 1; i <= 3; i++) {
		g_autofree char *path = g_strdup_printf("%u", i);

		pc_verdict_add(v, "av", PC_STATUS_INFECTED, path, "Eicar-Test", NULL);
	}
	conf->policy.block = 0;
	conf->policy.object_action[PC_STATUS_INFECTED] = PC_OBJ_REMOVE;
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpint(d.action, ==, PC_ACT_ACCEPT);
	g_assert_cmpuint(d.edits->len, ==, 3);
	g_assert_cmpint(g_array_index(d.edits, PcEdit, 0).action, ==, PC_OBJ_PLACEHOLDER);
	g_assert_cmpint(g_array_index(d.edits, PcEdit, 1).action, ==, PC_OBJ_REMOVE);
	g_assert_cmpint(g_array_index(d.edits, PcEdit, 2).action, ==, PC_OBJ_REMOVE);
	pc_decision_clear(&d);
}

/* Text inside an attached message is not this message's body: no
 * disclaimer there, however deep. */
static void
test_decide_disclaimer_attached(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();
	g_autoptr(PcVerdict) v = decide_verdict(PC_STATUS_CLEAN, NULL, FALSE, 2);
	const char *const paths[] = { "2.0", "2.1", "2.2" };
	PcDecision d;

	g_free(pc_verdict_object(v, "1")->declared_type);
	pc_verdict_object(v, "1")->declared_type = g_strdup("text/plain");
	g_free(pc_verdict_object(v, "2")->declared_type);
	pc_verdict_object(v, "2")->declared_type = g_strdup("message/rfc822");
	pc_verdict_object(v, "2")->container = TRUE;
	for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
		PcObject *o = pc_object_new(paths[i]);

		o->declared_type = g_strdup(i == 0 ? "multipart/mixed" : "text/plain");
		o->container = i == 0;
		o->depth = i == 0 ? 2 : 3;
		o->body_start = 500 + 10 * i;
		o->body_end = o->body_start + 5;
		g_ptr_array_add(v->objects, o);
	}
	conf->policy.disclaimer_text = g_strdup("-- \nchecked\n");
	pc_decide(&conf->policy, v, NULL, "mx.example", &d);
	g_assert_cmpuint(d.edits->len, ==, 1);
	g_assert_cmpstr(g_array_index(d.edits, PcEdit, 0).object->path, ==, "1");
	pc_decision_clear(&d);
}

typedef struct {
	const char *name;
	const char *text;
	gboolean valid;
	int line;
	const char *rendered;	/* with filename=a.exe, size=5 */
} TemplateCase;

static const TemplateCase template_cases[] = {
	{ "plain", "no variables\n", TRUE, 0, "no variables\n" },
	{ "variables", "{filename} is {size} bytes", TRUE, 0, "a.exe is 5 bytes" },
	{ "literal-brace", "{{filename} {filename}", TRUE, 0, "{filename} a.exe" },
	{ "unknown", "ok\n{filename}\nbad {filenme}\n", FALSE, 3, NULL },
	{ "unclosed", "ok\nbad {filename\n", FALSE, 2, NULL },
	{ "not-utf8", "bad \xff\n", FALSE, 0, NULL },
};

static void
test_template_case(gconstpointer data)
{
	const TemplateCase *c = data;
	const char *const names[] = { "filename", "size", NULL };
	const char *const values[] = { "a.exe", "5", NULL };
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(pc_template_check(c->text, pc_placeholder_variables, &error), ==, c->valid);
	if (!c->valid) {
		g_assert_nonnull(error);
		g_assert_cmpint(error->code, ==, c->line);
		return;
	}
	g_autofree char *out = pc_template_render(c->text, names, values);
	g_assert_cmpstr(out, ==, c->rendered);
}

/* The built-in notice only uses variables it documents. */
static void
test_template_default(void)
{
	g_assert_true(pc_template_check(pc_placeholder_default, pc_placeholder_variables, NULL));
}

/* A message too big to keep never reaches the engine: oversize_action. */
static void
test_decide_oversize(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){
		"message.oversize_action=reject", NULL }, NULL);
	PcmMsg msg = { .oversize = TRUE };
	PcDecision d;

	pcm_decide(conf, &msg, NULL, &conf->policy, &d);
	g_assert_cmpint(d.action, ==, PC_ACT_REJECT);
	g_assert_cmpstr(d.rcode, ==, "552");
	pc_decision_clear(&d);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/decide", decide_cases, test_decide_case);
	g_test_add_func("/decide/strongest-action", test_decide_strongest);
	g_test_add_func("/decide/notice", test_decide_notice);
	g_test_add_func("/decide/rename", test_decide_rename);
	g_test_add_func("/decide/oversize", test_decide_oversize);
	g_test_add_func("/decide/disclaimer", test_decide_disclaimer);
	g_test_add_func("/decide/disclaimer-attached", test_decide_disclaimer_attached);
	g_test_add_func("/decide/keep-one-child", test_decide_keep_one_child);
	g_test_add_func("/decide/signed-verified", test_decide_signed_verified);
	g_test_add_func("/decide/auth-actions", test_decide_auth_actions);
	g_test_add_func("/decide/auth-allow", test_decide_auth_allow);
	g_test_add_func("/decide/auth-outgoing", test_decide_auth_outgoing);
	PC_TEST_ADD_CASES("/template", template_cases, test_template_case);
	g_test_add_func("/template/default", test_template_default);
	return g_test_run();
}
