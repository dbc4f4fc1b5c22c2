/*
 * NAME
 *	actions.c - carry a decision out through libmilter
 * DESCRIPTION
 *	Accepted mail loses any incoming X-Virus-Scanned/X-Virus-Status
 *	headers before portcullis adds its own, so a sender cannot forge a
 *	clean stamp.  When parts change, the new body is sent in chunks of
 *	at most PCM_BODY_CHUNK bytes (MTAs bound milter packets) and the
 *	top-level header lines that must change are changed in place; no
 *	other header is touched, so signatures over them stay valid.
 * DIAGNOSTICS
 *	A rewrite that cannot be done (offsets that do not fit, the MTA
 *	refusing the body) tempfails the message: it is never delivered
 *	half-changed, and the sender retries.
 */
#include "config.h"

#include <string.h>
#include <portcullis/rewrite.h>

#include "actions.h"
#include "log.h"
#include "release.h"
#include "stats.h"

#define PCM_BODY_CHUNK 65535

static void
pcm_decide_oversize(const PcmConfig *conf, PcDecision *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = g_strdup("size");
	switch ((PcmOversize)conf->oversize_action) {
	case PCM_OVERSIZE_ACCEPT:
		out->action = PC_ACT_ACCEPT;
		out->status = g_strdup("Unscanned (size)");
		return;
	case PCM_OVERSIZE_REJECT:
		out->action = PC_ACT_REJECT;
		out->rcode = "552";
		out->xcode = "5.3.4";
		out->reply = g_strdup("Message too big to scan");
		return;
	case PCM_OVERSIZE_TEMPFAIL:
		out->action = PC_ACT_TEMPFAIL;
		out->rcode = "452";
		out->xcode = "4.3.4";
		out->reply = g_strdup("Message too big to scan now, try again later");
		return;
	}
}

void
pcm_decide(const PcmConfig *conf, const PcmMsg *msg, const PcVerdict *verdict,
	   const PcPolicy *policy, PcDecision *out)
{
	if (msg->oversize) {
		pcm_decide_oversize(conf, out);
		out->add_headers = policy->add_headers;
	} else {
		PcEnvelope envelope = { msg->sender, NULL, msg->client_addr, msg->authenticated };

		pc_decide(policy, verdict, &envelope, g_get_host_name(), out);
	}
}

/* Highest index first: deleting occurrence 1 first would renumber the rest
 * on MTAs that compact the list. */
static void
pcm_remove_headers(SMFICTX *ctx, const char *name, guint count)
{
	for (guint i = count; i >= 1; i--)
		smfi_chgheader(ctx, (char *)name, (int)i, NULL);
}

/* With SMFIP_HDR_LEADSPC agreed, the MTA writes values verbatim after the
 * colon, so the space that normally follows it must be ours. */
static char *
pcm_header_value(const char *value, gboolean leadspc)
{
	return g_strconcat(leadspc ? " " : "", value, NULL);
}

static gboolean
pcm_add_header(SMFICTX *ctx, const char *name, const char *value, gboolean leadspc)
{
	g_autofree char *text = pcm_header_value(value, leadspc);

	return smfi_addheader(ctx, (char *)name, text) == MI_SUCCESS;
}

/* SpamAssassin's conventions, which mail clients and sieve scripts know:
 * X-Spam-Flag only on spam; X-Spam-Level one star per whole point. */
static gboolean
pcm_add_spam_headers(SMFICTX *ctx, const PcVerdict *verdict, const PcDecision *decision,
		     gboolean leadspc)
{
	gboolean spam = decision->spam_score >= decision->spam_required;
	g_autofree char *status = NULL;
	g_autofree char *score = NULL;
	g_autofree char *level = NULL;
	g_autofree char *tests = NULL;

	if (!verdict->spam_scanned)
		return TRUE;
	tests = pc_decision_spam_tests(decision, verdict);
	status = g_strdup_printf("%s, score=%.1f required=%.1f tests=%s", spam ? "Yes" : "No",
				 decision->spam_score, decision->spam_required,
				 *tests ? tests : "none");
	score = g_strdup_printf("%.1f", decision->spam_score);
	level = g_strnfill((gsize)CLAMP(decision->spam_score, 0, 50), '*');
	return (!spam || pcm_add_header(ctx, "X-Spam-Flag", "YES", leadspc)) &&
	       pcm_add_header(ctx, "X-Spam-Status", status, leadspc) &&
	       pcm_add_header(ctx, "X-Spam-Score", score, leadspc) &&
	       pcm_add_header(ctx, "X-Spam-Level", level, leadspc);
}

/* The tag goes in front of the subject as received (encoded words and
 * all), so nothing of the sender's text is re-encoded. */
static gboolean
pcm_tag_subject(SMFICTX *ctx, const PcmMsg *msg, const char *tag, gboolean leadspc)
{
	g_autofree char *value = NULL;

	if (msg->subject == NULL)
		return pcm_add_header(ctx, "Subject", tag, leadspc);
	value = g_strconcat(leadspc ? " " : "", tag, " ",
			    msg->subject + strspn(msg->subject, " \t"), NULL);
	return smfi_chgheader(ctx, "Subject", 1, value) == MI_SUCCESS;
}

/* Forged copies of our Authentication-Results go (highest index first, as
 * in pcm_remove_headers), and ours goes on top, where RFC 8601 puts it. */
static void
pcm_auth_results(SMFICTX *ctx, const PcmMsg *msg, const PcVerdict *verdict, gboolean leadspc)
{
	g_autofree char *value = NULL;
	g_autofree char *text = NULL;

	for (guint i = msg->forged_results->len; i >= 1; i--)
		smfi_chgheader(ctx, "Authentication-Results",
			       (int)g_array_index(msg->forged_results, guint, i - 1), NULL);
	if (verdict->auth == NULL)
		return;
	value = pc_auth_header(verdict->auth, pcm_conf_authserv_id(msg->rt->conf));
	text = pcm_header_value(value, leadspc);
	if (smfi_insheader(ctx, 0, "Authentication-Results", text) != MI_SUCCESS)
		pcm_msg_log(msg, LOG_WARNING, "MTA refused to add Authentication-Results");
}

static gboolean
pcm_replace_body(SMFICTX *ctx, const GByteArray *body)
{
	for (guint off = 0; off < body->len; off += PCM_BODY_CHUNK) {
		int n = (int)MIN(PCM_BODY_CHUNK, body->len - off);

		if (smfi_replacebody(ctx, body->data + off, n) != MI_SUCCESS)
			return FALSE;
	}
	return TRUE;
}

static gboolean
pcm_change_headers(SMFICTX *ctx, const GPtrArray *changes, gboolean leadspc)
{
	for (guint i = 0; i < changes->len; i++) {
		const PcHeaderChange *change = g_ptr_array_index(changes, i);
		g_autofree char *value = change->value ? pcm_header_value(change->value, leadspc)
						       : NULL;

		if (smfi_chgheader(ctx, change->name, 1, value) != MI_SUCCESS)
			return FALSE;
	}
	return TRUE;
}

static gboolean
pcm_apply_edits(SMFICTX *ctx, const PcmMsg *msg, const PcVerdict *verdict,
		const PcDecision *decision, gboolean leadspc, GError **error)
{
	PcRewrite result = { 0 };
	gsize len = 0;
	const guint8 *raw;
	gboolean ok;

	raw = pcm_spool_map(msg->spool, &len, error);
	if (raw == NULL)
		return FALSE;
	ok = pc_rewrite(raw, len, verdict, decision->edits, &result, error);
	pcm_spool_unmap(msg->spool, raw, len);
	if (ok && ((result.body != NULL && !pcm_replace_body(ctx, result.body)) ||
		   !pcm_change_headers(ctx, result.headers, leadspc))) {
		g_set_error(error, PC_REWRITE_ERROR, 0, "the MTA refused the changed message");
		ok = FALSE;
	}
	pc_rewrite_clear(&result);
	return ok;
}

static sfsistat
pcm_apply_accept(SMFICTX *ctx, const PcmMsg *msg, const PcVerdict *verdict,
		 PcDecision *decision, gboolean leadspc)
{
	g_autoptr(GError) error = NULL;

	if (decision->edits != NULL && decision->edits->len > 0 &&
	    !pcm_apply_edits(ctx, msg, verdict, decision, leadspc, &error)) {
		pcm_msg_log(msg, LOG_ERR, "cannot change the message: %s; tempfail",
			    error->message);
		pcm_stats_error("mta");
		pc_decision_tempfail(decision, "Temporary local problem, try again later");
		smfi_setreply(ctx, (char *)decision->rcode, (char *)decision->xcode,
			      decision->reply);
		return SMFIS_TEMPFAIL;
	}
	for (guint i = 0; i < PCM_OWN_COUNT; i++)
		pcm_remove_headers(ctx, pcm_owned_headers[i], msg->owned[i]);
	pcm_auth_results(ctx, msg, verdict, leadspc);
	if (decision->add_headers &&
	    (!pcm_add_header(ctx, PCM_HDR_SCANNED, msg->rt->scanned_header, leadspc) ||
	     !pcm_add_header(ctx, PCM_HDR_STATUS, decision->status, leadspc) ||
	     !pcm_add_spam_headers(ctx, verdict, decision, leadspc)))
		pcm_msg_log(msg, LOG_WARNING, "MTA refused to add X-Virus or X-Spam headers");
	if (decision->subject_tag != NULL && !pcm_tag_subject(ctx, msg, decision->subject_tag,
							      leadspc))
		pcm_msg_log(msg, LOG_WARNING, "MTA refused to change the Subject");
	return SMFIS_CONTINUE;
}

/* store = mta: the MTA holds the message (Postfix's hold queue) with the
 * reason; its own tools release it. */
static sfsistat
pcm_apply_mta_quarantine(SMFICTX *ctx, const PcmMsg *msg, PcDecision *decision)
{
	g_autofree char *reason = g_strdup_printf("portcullis: %s", decision->reason ?
						  decision->reason : "quarantined");

	if (smfi_quarantine(ctx, reason) == MI_SUCCESS)
		return SMFIS_ACCEPT;
	pcm_msg_log(msg, LOG_ERR, "the MTA refused to quarantine the message; tempfail");
	pcm_stats_error("mta");
	pc_decision_tempfail(decision, "Temporary local problem, try again later");
	smfi_setreply(ctx, (char *)decision->rcode, (char *)decision->xcode, decision->reply);
	return SMFIS_TEMPFAIL;
}

sfsistat
pcm_apply(SMFICTX *ctx, const PcmMsg *msg, const PcVerdict *verdict, PcDecision *decision,
	  gboolean leadspc)
{
	switch (decision->action) {
	case PC_ACT_ACCEPT:
		return pcm_apply_accept(ctx, msg, verdict, decision, leadspc);
	case PC_ACT_REJECT:
	case PC_ACT_TEMPFAIL:
		smfi_setreply(ctx, (char *)decision->rcode, (char *)decision->xcode,
			      decision->reply);
		return decision->action == PC_ACT_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	case PC_ACT_QUARANTINE:
		if (msg->rt->conf->quarantine_store == PCM_QUARANTINE_MTA)
			return pcm_apply_mta_quarantine(ctx, msg, decision);
		return SMFIS_DISCARD;
	case PC_ACT_DISCARD:
		return SMFIS_DISCARD;
	}
	g_assert_not_reached();
}
