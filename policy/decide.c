/*
 * NAME
 *	decide.c - the decision step (see decide.h)
 */
#include "config.h"

#include <string.h>

#include <portcullis/text.h>

#include "auth.h"
#include "decide.h"
#include "template.h"

static const char *const pc_action_names[] = {
	[PC_ACT_ACCEPT] = "accept",
	[PC_ACT_REJECT] = "reject",
	[PC_ACT_TEMPFAIL] = "tempfail",
	[PC_ACT_DISCARD] = "discard",
	[PC_ACT_QUARANTINE] = "quarantine",
};

const char *
pc_action_name(PcAction action)
{
	return pc_action_names[action];
}

static const char *
pc_finding_name(const PcFinding *finding)
{
	return finding->names->len ? g_ptr_array_index(finding->names, 0) : NULL;
}

char *
pc_finding_reason(const PcFinding *finding)
{
	const char *name = pc_finding_name(finding);
	const char *what = name ? name : finding->detail ? finding->detail : "unknown";

	switch (finding->status) {
	case PC_STATUS_INFECTED:
		return g_strdup_printf("virus %s found", what);
	case PC_STATUS_FILTERED:
		return finding->detail ? g_strdup_printf("filtered: %s (%s)", what, finding->detail)
				       : g_strdup_printf("filtered: %s", what);
	case PC_STATUS_UNSCANNABLE:
		return g_strdup_printf("unscannable %s (%s)",
				       strcmp(finding->object, "message") == 0 ? "message" : "attachment",
				       finding->detail ? finding->detail : what);
	default:
		return g_strdup_printf("%s: %s", pc_status_name(finding->status), what);
	}
}

/* The reply is SMTP text and names in it come from databases and senders:
 * printable ASCII only (pc_text_ascii).  A lone '%' makes Sendmail drop the
 * reply (smfi_setreply(3)): it becomes a space.  The text stops below
 * libmilter's MAXREPLYLEN (980). */
#define PC_REPLY_MAX 900
static char *
pc_reply_text(const char *template, const char *reason, const char *virus)
{
	const char *const names[] = { "reason", "virus", NULL };
	const char *const values[] = { reason, virus ? virus : reason, NULL };
	g_autofree char *text = pc_template_render(template, names, values);
	char *out = pc_text_ascii(text, PC_REPLY_MAX);

	for (char *p = out; *p; p++)
		if (*p == '%')
			*p = ' ';
	return out;
}

static void
pc_decide_reply(PcDecision *out, PcAction action, const char *rcode, const char *xcode,
		char *reply)
{
	out->action = action;
	out->rcode = rcode;
	out->xcode = xcode;
	out->reply = reply;
}

/* The findings the decision goes by: the verdict's, less the spam ones
 * for an allow-listed sender, plus one for a block-listed sender. */
typedef struct {
	const PcVerdict *verdict;
	guint ignore;			/* statuses left out */
	const PcFinding *extra;		/* or NULL */
} PcFacts;

static const guint pc_spam_statuses = 1u << PC_STATUS_SPAM | 1u << PC_STATUS_PROBABLE;

/* The most severe finding whose status is in mask, or NULL. */
static const PcFinding *
pc_worst_in(const PcFacts *facts, guint mask)
{
	const PcFinding *worst = facts->extra && (mask & (1u << facts->extra->status))
				 ? facts->extra : NULL;

	mask &= ~facts->ignore;
	for (guint i = 0; i < facts->verdict->findings->len; i++) {
		const PcFinding *finding = g_ptr_array_index(facts->verdict->findings, i);

		if ((mask & (1u << finding->status)) &&
		    (worst == NULL || finding->status > worst->status))
			worst = finding;
	}
	return worst;
}

PcListed
pc_spam_listed(const PcPolicy *policy, const PcEnvelope *envelope)
{
	PcAddress sender;
	PcListed listed = PC_LISTED_NONE;

	if (envelope == NULL)
		return PC_LISTED_NONE;
	pc_address_init(&sender, envelope->sender ? envelope->sender : "");
	if ((policy->allow_senders && pc_masks_match_address(policy->allow_senders, &sender)) ||
	    (policy->allow_clients && envelope->client_address &&
	     pc_networks_match(policy->allow_clients, envelope->client_address)))
		listed = PC_LISTED_ALLOW;
	else if ((policy->block_senders &&
		  pc_masks_match_address(policy->block_senders, &sender)) ||
		 (policy->block_clients && envelope->client_address &&
		  pc_networks_match(policy->block_clients, envelope->client_address)))
		listed = PC_LISTED_BLOCK;
	pc_address_clear(&sender);
	return listed;
}

static void
pc_decide_block(const PcPolicy *policy, const PcFinding *finding, PcDecision *out)
{
	const char *virus = finding->status == PC_STATUS_INFECTED ? pc_finding_name(finding) : NULL;

	out->reason = pc_finding_reason(finding);
	switch ((PcBlockAction)policy->block_action) {
	case PC_BLOCK_REJECT:
		pc_decide_reply(out, PC_ACT_REJECT, "550", "5.7.1",
				pc_reply_text(policy->reject_message, out->reason, virus));
		return;
	case PC_BLOCK_TEMPFAIL:
		pc_decide_reply(out, PC_ACT_TEMPFAIL, "451", "4.7.1",
				pc_reply_text(policy->reject_message, out->reason, virus));
		return;
	case PC_BLOCK_DISCARD:
		out->action = PC_ACT_DISCARD;
		return;
	case PC_BLOCK_QUARANTINE:
		out->action = PC_ACT_QUARANTINE;
		return;
	}
}

static void
pc_decide_error(const PcPolicy *policy, const PcFinding *finding, PcDecision *out)
{
	out->reason = g_strdup(finding->detail ? finding->detail : "check failed");
	switch ((PcOnError)policy->on_error) {
	case PC_ON_ERROR_TEMPFAIL:
		/* a fresh installation before freshclam's first download, or a
		 * sequential reload between the old signatures and the new */
		pc_decide_reply(out, PC_ACT_TEMPFAIL, "451", "4.7.1",
				g_strdup(g_str_has_prefix(out->reason, "no signature database") ||
					 g_str_has_prefix(out->reason, "signature database")
					 ? "Virus database not loaded yet, try again later"
					 : "Virus scan failed, try again later"));
		return;
	case PC_ON_ERROR_ACCEPT:
		out->action = PC_ACT_ACCEPT;
		out->status = g_strdup("Unscanned (error)");
		return;
	case PC_ON_ERROR_REJECT:
		pc_decide_reply(out, PC_ACT_REJECT, "550", "5.7.1",
				g_strdup("Message could not be scanned"));
		return;
	}
}

/* Strongest first: what a part with several findings gets. */
static int
pc_action_strength(PcObjectAction action)
{
	static const int strength[] = {
		[PC_OBJ_PASS] = 0, [PC_OBJ_RENAME] = 1, [PC_OBJ_PLACEHOLDER] = 2,
		[PC_OBJ_REMOVE] = 3, [PC_OBJ_DISCLAIMER] = 0,
	};

	return strength[action];
}

/* The strongest action any finding about this object asks for, and the
 * finding that asked (the reason shown in the notice). */
static PcObjectAction
pc_object_action(const PcPolicy *policy, const PcVerdict *verdict, const PcObject *object,
		 const PcFinding **why)
{
	PcObjectAction best = PC_OBJ_PASS;

	guint n;
	PcFinding *const *about = pc_verdict_findings_about(verdict, object->path, &n);

	*why = NULL;
	for (guint i = 0; i < n; i++) {
		const PcFinding *finding = about[i];
		PcObjectAction action = (PcObjectAction)policy->object_action[finding->status];

		if (finding->status == PC_STATUS_CLEAN)
			continue;
		if (*why == NULL || pc_action_strength(action) > pc_action_strength(best)) {
			best = action;
			*why = finding;
		}
	}
	return best;
}

/* Every distinct reason found about one part, "; "-separated. */
static char *
pc_object_reasons(const PcVerdict *verdict, const PcObject *object)
{
	g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func(g_free);
	guint n;
	PcFinding *const *about = pc_verdict_findings_about(verdict, object->path, &n);

	for (guint i = 0; i < n; i++) {
		const PcFinding *finding = about[i];
		char *reason;

		if (finding->status == PC_STATUS_CLEAN)
			continue;
		reason = pc_finding_reason(finding);
		if (g_ptr_array_find_with_equal_func(reasons, reason, g_str_equal, NULL))
			g_free(reason);
		else
			g_ptr_array_add(reasons, reason);
	}
	g_ptr_array_add(reasons, NULL);
	return g_strjoinv("; ", (char **)reasons->pdata);
}

static char *
pc_render_notice(const PcPolicy *policy, const PcVerdict *verdict, const PcObject *object,
		 const PcFinding *why, const char *hostname)
{
	g_autofree char *reasons = pc_object_reasons(verdict, object);
	g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, object->size);
	const char *name = pc_object_name(object);
	/* Names, types and reasons are the sender's text: shown, never obeyed. */
	g_autofree char *shown_name = pc_text_display(name ? name : "(no name)", 200);
	g_autofree char *reason = pc_text_display(reasons, 500);
	g_autofree char *signature = pc_text_display(why->names->len ?
						     g_ptr_array_index(why->names, 0) : "", 200);
	g_autofree char *type = pc_text_display(object->declared_type, 100);
	g_autofree char *detected = pc_text_display(object->detected_type ?
						    object->detected_type : "unknown", 100);
	const char *const values[] = {
		shown_name, object->path, pc_status_name(object->status), reason, signature,
		type, detected, size, hostname, NULL,
	};
	const char *text = policy->placeholder_template && *policy->placeholder_template ?
			   policy->placeholder_template : pc_placeholder_default;

	return pc_template_render(text, pc_placeholder_variables, values);
}

static char *
pc_parent_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? g_strndup(path, dot - path) : g_strdup("");
}

/* Siblings are counted by parent path and depth: "3.1" is the body of an
 * attached message at depth 2, or the first part of its multipart "3.0"
 * at depth 3. */
static char *
pc_sibling_key(const PcObject *object)
{
	g_autofree char *parent = pc_parent_path(object->path);

	return g_strdup_printf("%u:%s", object->depth, parent);
}

static void
pc_count(GHashTable *counts, char *key, int delta)
{
	int n = GPOINTER_TO_INT(g_hash_table_lookup(counts, key));

	g_hash_table_insert(counts, key, GINT_TO_POINTER(n + delta));
}

/* A multipart must keep at least one part: removing its last one, or the
 * body of a single-part message, becomes a placeholder.  Counted once per
 * parent, not per edit: a message may have thousands of parts. */
static void
pc_keep_one_child(const PcVerdict *verdict, GArray *edits)
{
	g_autoptr(GHashTable) siblings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
								NULL);
	g_autoptr(GHashTable) removed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							       NULL);

	for (guint j = 0; j < verdict->objects->len; j++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, j);

		if (strcmp(o->path, "0") != 0 && !g_str_has_suffix(o->path, ".0"))
			pc_count(siblings, pc_sibling_key(o), +1);
	}
	for (guint i = 0; i < edits->len; i++) {
		const PcEdit *edit = &g_array_index(edits, PcEdit, i);

		if (edit->action == PC_OBJ_REMOVE)
			pc_count(removed, pc_sibling_key(edit->object), +1);
	}
	for (guint i = 0; i < edits->len; i++) {
		PcEdit *edit = &g_array_index(edits, PcEdit, i);
		g_autofree char *key = NULL;

		if (edit->action != PC_OBJ_REMOVE)
			continue;
		key = pc_sibling_key(edit->object);
		if (edit->object->boundary == NULL ||
		    GPOINTER_TO_INT(g_hash_table_lookup(removed, key)) >=
		    GPOINTER_TO_INT(g_hash_table_lookup(siblings, key))) {
			edit->action = PC_OBJ_PLACEHOLDER;
			pc_count(removed, g_steal_pointer(&key), -1);
		}
	}
}

static void
pc_decide_parts(const PcPolicy *policy, const PcVerdict *verdict, const char *hostname,
		PcDecision *out)
{
	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *object = g_ptr_array_index(verdict->objects, i);
		const PcFinding *why = NULL;
		PcEdit edit = { object, pc_object_action(policy, verdict, object, &why), NULL, NULL };

		if (object->container || edit.action == PC_OBJ_PASS || object->body_start < 0)
			continue;
		if (edit.action == PC_OBJ_RENAME)
			edit.new_name = g_strconcat(pc_object_name(object) ? pc_object_name(object)
						    : "attachment", policy->rename_suffix, NULL);
		g_array_append_val(out->edits, edit);
	}
	pc_keep_one_child(verdict, out->edits);
	for (guint i = 0; i < out->edits->len; i++) {
		PcEdit *edit = &g_array_index(out->edits, PcEdit, i);
		const PcFinding *why = NULL;

		pc_object_action(policy, verdict, edit->object, &why);
		if (edit->action == PC_OBJ_PLACEHOLDER)
			edit->notice = pc_render_notice(policy, verdict, edit->object, why, hostname);
	}
}

/* Inside an attached message (some ancestor's path is one of
 * attached): its body is not this message's body text. */
static gboolean
pc_in_attached_message(GHashTable *attached, const PcObject *object)
{
	g_autofree char *path = g_strdup(object->path);

	for (char *dot = strrchr(path, '.'); dot != NULL; dot = strrchr(path, '.')) {
		*dot = '\0';
		if (g_hash_table_contains(attached, path))
			return TRUE;
	}
	return FALSE;
}

/* The paths of the message/rfc822 parts. */
static GHashTable *
pc_attached_messages(const PcVerdict *verdict)
{
	GHashTable *attached = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);

		if (strcmp(o->declared_type, "message/rfc822") == 0)
			g_hash_table_add(attached, o->path);
	}
	return attached;
}

/* The objects that already have an edit. */
static GHashTable *
pc_edited(const GArray *edits)
{
	GHashTable *edited = g_hash_table_new(NULL, NULL);

	for (guint i = 0; i < edits->len; i++)
		g_hash_table_add(edited, (gpointer)g_array_index(edits, PcEdit, i).object);
	return edited;
}

/* Whether a signed message is to stay as it is.  pass needs a verified
 * signature: anyone can add a DKIM-Signature header or a multipart/signed. */
static gboolean
pc_keeps_signed(const PcPolicy *policy, const PcVerdict *verdict)
{
	return verdict->signed_body &&
	       (policy->signed_action == PC_SIGNED_BLOCK ||
		(policy->signed_action == PC_SIGNED_PASS &&
		 pc_auth_signed_verified(policy, verdict->auth)));
}

/* The disclaimer goes on every body text part (both halves of a
 * multipart/alternative), never on attachments or attached messages.  A
 * signed message gets it only when signed_action allows changing it. */
static void
pc_decide_disclaimer(const PcPolicy *policy, const PcVerdict *verdict, const char *hostname,
		     PcDecision *out)
{
	const char *const values[] = { hostname, NULL };
	g_autoptr(GHashTable) attached = NULL;
	g_autoptr(GHashTable) edited = NULL;

	if (pc_keeps_signed(policy, verdict))
		return;
	attached = pc_attached_messages(verdict);
	edited = pc_edited(out->edits);
	for (guint i = 0; i < verdict->objects->len; i++) {
		const PcObject *o = g_ptr_array_index(verdict->objects, i);
		const char *text = strcmp(o->declared_type, "text/plain") == 0 ? policy->disclaimer_text :
				   strcmp(o->declared_type, "text/html") == 0 ? policy->disclaimer_html :
				   NULL;
		PcEdit edit = { o, PC_OBJ_DISCLAIMER, NULL, NULL };

		if (text == NULL || *text == '\0' || o->container || o->attachment ||
		    o->body_start < 0 || g_hash_table_contains(edited, o) ||
		    pc_in_attached_message(attached, o))
			continue;
		edit.notice = pc_template_render(text, pc_disclaimer_variables, values);
		g_array_append_val(out->edits, edit);
	}
}

static void
pc_decide_signed(const PcPolicy *policy, const PcVerdict *verdict, PcDecision *out)
{
	if (!verdict->signed_body || out->edits->len == 0)
		return;
	switch ((PcSignedAction)policy->signed_action) {
	case PC_SIGNED_MODIFY:
		return;
	case PC_SIGNED_PASS:
		if (pc_keeps_signed(policy, verdict))
			g_array_set_size(out->edits, 0);
		return;
	case PC_SIGNED_BLOCK: {
		const PcEdit *edit = &g_array_index(out->edits, PcEdit, 0);
		const PcFinding *why = NULL;
		PcFinding blocked;

		pc_object_action(policy, verdict, edit->object, &why);
		blocked = *why;
		pc_decide_block(policy, &blocked, out);
		g_array_set_size(out->edits, 0);
		return;
	}
	}
}

static guint
pc_count_edits(const GArray *edits, PcObjectAction action)
{
	guint n = 0;

	for (guint i = 0; i < edits->len; i++)
		n += g_array_index(edits, PcEdit, i).action == action;
	return n;
}

/* "Infected (Name), 1 attachment replaced". */
static char *
pc_status_header(const PcVerdict *verdict, const GArray *edits)
{
	static const struct {
		PcObjectAction action;
		const char *done;
	} verbs[] = {
		{ PC_OBJ_PLACEHOLDER, "replaced" }, { PC_OBJ_REMOVE, "removed" },
		{ PC_OBJ_RENAME, "renamed" },
	};
	g_autofree char *described = pc_verdict_describe_only(verdict, PC_STATUSES_NOT_SPAM);
	/* A header line: a detail may hold a sender's text (a boundary, a name). */
	g_autofree char *what = pc_text_ascii(described, 200);
	GString *out = g_string_new(what);

	out->str[0] = g_ascii_toupper(out->str[0]);
	if (strchr(out->str, '(') != NULL) {
		/* "infected(Name)" reads "Infected (Name)" in a header. */
		char *paren = strchr(out->str, '(');

		if (paren != NULL)
			g_string_insert_c(out, paren - out->str, ' ');
	}
	for (guint i = 0; i < G_N_ELEMENTS(verbs); i++) {
		guint n = pc_count_edits(edits, verbs[i].action);

		if (n > 0)
			g_string_append_printf(out, ", %u attachment%s %s", n, n > 1 ? "s" : "",
					       verbs[i].done);
	}
	return g_string_free(out, FALSE);
}

static void
pc_decide_action(const PcPolicy *policy, const PcFacts *facts, const char *hostname,
		 PcDecision *out)
{
	const PcVerdict *verdict = facts->verdict;
	guint blocked = policy->block & ~(1u << PC_STATUS_ERROR) & ~(1u << PC_STATUS_CLEAN);
	const PcFinding *finding;

	memset(out, 0, sizeof(*out));
	out->edits = g_array_new(FALSE, TRUE, sizeof(PcEdit));
	g_array_set_clear_func(out->edits, (GDestroyNotify)pc_edit_clear);
	if ((finding = pc_worst_in(facts, blocked)) != NULL) {
		pc_decide_block(policy, finding, out);
		return;
	}
	if ((finding = pc_worst_in(facts, 1u << PC_STATUS_ERROR)) != NULL) {
		pc_decide_error(policy, finding, out);
		return;
	}
	out->action = PC_ACT_ACCEPT;
	pc_decide_parts(policy, verdict, hostname, out);
	pc_decide_signed(policy, verdict, out);
	if (out->action != PC_ACT_ACCEPT)
		return;
	out->status = pc_status_header(verdict, out->edits);
	pc_decide_disclaimer(policy, verdict, hostname, out);
}

/* Any finding's status in mask, not only the worst: notify_admin =
 * encrypted still hears of an encrypted part next to an infected one. */
static void
pc_decide_extras(const PcPolicy *policy, const PcFacts *facts, PcDecision *out)
{
	const PcFinding *tagged = pc_worst_in(facts, policy->tag);

	out->keep_copy = out->action != PC_ACT_QUARANTINE &&
			 pc_worst_in(facts, policy->quarantine) != NULL;
	out->notify = (pc_worst_in(facts, policy->notify_admin) ? PC_NOTIFY_ADMIN : 0) |
		      (pc_worst_in(facts, policy->notify_recipients) ? PC_NOTIFY_RECIPIENTS : 0) |
		      (pc_worst_in(facts, policy->notify_sender) ? PC_NOTIFY_SENDER : 0);
	out->spam_required = policy->spam_threshold;
	if (out->action != PC_ACT_ACCEPT)
		return;
	out->add_headers = policy->add_headers;
	if (tagged != NULL && policy->subject_tag != NULL) {
		const char *const names[] = { "status", NULL };
		const char *const values[] = { pc_status_name(tagged->status), NULL };

		out->subject_tag = pc_template_render(policy->subject_tag, names, values);
	}
}

/* A DMARC or SPF failure the policy acts on, for mail that would be
 * delivered; tag waits for pc_decide_auth_tag (after the status tags). */
static void
pc_decide_auth(const PcPolicy *policy, PcAuthAction wanted, char *why, PcDecision *out)
{
	if (out->action != PC_ACT_ACCEPT || wanted == PC_AUTH_ACT_IGNORE ||
	    wanted == PC_AUTH_ACT_TAG)
		return;
	g_clear_pointer(&out->status, g_free);
	g_array_set_size(out->edits, 0);
	g_free(out->reason);
	out->reason = g_strdup(why);
	if (wanted == PC_AUTH_ACT_QUARANTINE)
		out->action = PC_ACT_QUARANTINE;
	else
		pc_decide_reply(out, PC_ACT_REJECT, "550", "5.7.1",
				pc_reply_text(policy->reject_message, why, NULL));
}

static void
pc_decide_auth_tag(const PcPolicy *policy, PcAuthAction wanted, PcDecision *out)
{
	const char *const names[] = { "status", NULL };
	const char *const values[] = { "forged", NULL };

	if (out->action == PC_ACT_ACCEPT && wanted == PC_AUTH_ACT_TAG && out->subject_tag == NULL &&
	    policy->subject_tag != NULL)
		out->subject_tag = pc_template_render(policy->subject_tag, names, values);
}

void
pc_decide(const PcPolicy *policy, const PcVerdict *verdict, const PcEnvelope *envelope,
	  const char *hostname, PcDecision *out)
{
	static const PcFinding *listed_spam;
	PcListed listed = pc_spam_listed(policy, envelope);
	g_autofree char *auth_why = NULL;
	PcAuthAction auth_wanted = pc_auth_wanted(policy, verdict->auth,
						  envelope != NULL && envelope->authenticated,
						  &auth_why);
	PcFacts facts;

	if (listed == PC_LISTED_NONE && pc_auth_allowed(policy, verdict->auth))
		listed = PC_LISTED_ALLOW;
	facts = (PcFacts){ verdict, listed == PC_LISTED_ALLOW ? pc_spam_statuses : 0, NULL };
	if (g_once_init_enter(&listed_spam)) {
		PcFinding *f = g_new0(PcFinding, 1);

		f->source = g_strdup("spam");
		f->status = PC_STATUS_SPAM;
		f->object = g_strdup("message");
		f->names = g_ptr_array_new();
		g_ptr_array_add(f->names, (gpointer)PC_BLOCKLIST_TEST);
		f->detail = g_strdup("sender or client in block list");
		g_once_init_leave(&listed_spam, f);
	}
	if (listed == PC_LISTED_BLOCK)
		facts.extra = listed_spam;
	pc_decide_action(policy, &facts, hostname, out);
	pc_decide_auth(policy, auth_wanted, auth_why, out);
	pc_decide_extras(policy, &facts, out);
	pc_decide_auth_tag(policy, auth_wanted, out);
	out->spam_score = verdict->spam_score;
	out->listed_status = listed == PC_LISTED_BLOCK ? PC_STATUS_SPAM : PC_STATUS_CLEAN;
	if (listed != PC_LISTED_NONE) {
		out->spam_list = listed == PC_LISTED_ALLOW ? PC_ALLOWLIST_TEST : PC_BLOCKLIST_TEST;
		out->spam_score += listed == PC_LISTED_ALLOW ? -PC_LIST_SCORE : PC_LIST_SCORE;
	}
}

char *
pc_decision_spam_tests(const PcDecision *decision, const PcVerdict *verdict)
{
	const char *tests = verdict->spam_tests ? verdict->spam_tests : "";

	if (decision->spam_list == NULL)
		return g_strdup(tests);
	return g_strdup_printf("%s%s%s", decision->spam_list, *tests ? "," : "", tests);
}

int
pc_decision_severity(const PcDecision *decision)
{
	static const int rank[] = {
		[PC_ACT_ACCEPT] = 0, [PC_ACT_TEMPFAIL] = 1, [PC_ACT_DISCARD] = 2,
		[PC_ACT_QUARANTINE] = 3, [PC_ACT_REJECT] = 4,
	};
	int changed = 0;

	for (guint i = 0; decision->edits != NULL && i < decision->edits->len; i++) {
		const PcEdit *edit = &g_array_index(decision->edits, PcEdit, i);

		changed += pc_action_strength(edit->action);
	}
	return rank[decision->action] * 1000 + MIN(changed, 999);
}

void
pc_decision_tempfail(PcDecision *decision, const char *reply)
{
	g_clear_pointer(&decision->reply, g_free);
	g_clear_pointer(&decision->status, g_free);
	g_clear_pointer(&decision->subject_tag, g_free);
	/* The message comes back: it is told of (and kept) then, not twice. */
	decision->keep_copy = FALSE;
	decision->notify = 0;
	pc_decide_reply(decision, PC_ACT_TEMPFAIL, "451", "4.3.0", g_strdup(reply));
}

void
pc_decision_clear(PcDecision *decision)
{
	g_clear_pointer(&decision->reply, g_free);
	g_clear_pointer(&decision->status, g_free);
	g_clear_pointer(&decision->reason, g_free);
	g_clear_pointer(&decision->subject_tag, g_free);
	g_clear_pointer(&decision->edits, g_array_unref);
}
