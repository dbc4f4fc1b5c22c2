/*
 * NAME
 *	actions.c - verdict to milter actions
 * DESCRIPTION
 *	Mapping (keys in [av] and [message]):
 *	  clean                      accept, X-Virus-Status: Clean
 *	  infected, on_infected      reject 550 5.7.1 reject_message | discard |
 *	                             quarantine | accept with "Infected (<name>)"
 *	  error, on_error            tempfail 451 4.7.1 | accept with
 *	                             "Unscanned (error)" | reject 550 5.7.1
 *	  unscanned (size), oversize_action
 *	                             accept with "Unscanned (size)" |
 *	                             reject 552 5.3.4 | tempfail 452 4.3.4
 *	Accepted mail loses any incoming X-Virus-Scanned/X-Virus-Status
 *	headers before portcullis adds its own, so a sender cannot forge a
 *	clean stamp.
 */
#include "config.h"

#include <string.h>

#include "actions.h"
#include "log.h"

static const char *const pcm_action_names[] = {
	[PCM_ACT_ACCEPT] = "accept",
	[PCM_ACT_REJECT] = "reject",
	[PCM_ACT_TEMPFAIL] = "tempfail",
	[PCM_ACT_DISCARD] = "discard",
	[PCM_ACT_QUARANTINE] = "quarantine",
};

const char *
pcm_action_name(PcmAction action)
{
	return pcm_action_names[action];
}

/* libmilter treats '%' in reply text as a format character; CR/LF would
 * end the reply.  Signature names are data from a database: sanitise. */
static char *
pcm_reply_text(const char *template, const char *virus)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (const char *p = template; *p != '\0'; p++) {
		if (virus != NULL && strncmp(p, "{virus}", 7) == 0) {
			g_string_append(out, virus);
			p += 6;
		} else {
			g_string_append_c(out, *p);
		}
	}
	for (gsize i = 0; i < out->len; i++)
		if (out->str[i] == '\r' || out->str[i] == '\n' || out->str[i] == '%')
			out->str[i] = ' ';
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
pcm_decide_reply(PcmDecision *out, PcmAction action, const char *rcode, const char *xcode,
		 char *reply)
{
	out->action = action;
	out->rcode = rcode;
	out->xcode = xcode;
	out->reply = reply;
}

static void
pcm_decide_infected(const PcmConfig *conf, const char *virus, PcmDecision *out)
{
	switch ((PcmOnInfected)conf->on_infected) {
	case PCM_INFECTED_REJECT:
		pcm_decide_reply(out, PCM_ACT_REJECT, "550", "5.7.1",
				 pcm_reply_text(conf->reject_message, virus));
		return;
	case PCM_INFECTED_DISCARD:
		out->action = PCM_ACT_DISCARD;
		return;
	case PCM_INFECTED_QUARANTINE:
		out->action = PCM_ACT_QUARANTINE;
		return;
	case PCM_INFECTED_ACCEPT:
		out->action = PCM_ACT_ACCEPT;
		out->status = g_strdup_printf("Infected (%s)", virus);
		return;
	}
}

static void
pcm_decide_error(const PcmConfig *conf, PcmDecision *out)
{
	switch ((PcmOnError)conf->on_error) {
	case PCM_ERROR_TEMPFAIL:
		pcm_decide_reply(out, PCM_ACT_TEMPFAIL, "451", "4.7.1",
				 g_strdup("Virus scan failed, try again later"));
		return;
	case PCM_ERROR_ACCEPT:
		out->action = PCM_ACT_ACCEPT;
		out->status = g_strdup("Unscanned (error)");
		return;
	case PCM_ERROR_REJECT:
		pcm_decide_reply(out, PCM_ACT_REJECT, "550", "5.7.1",
				 g_strdup("Message could not be scanned"));
		return;
	}
}

static void
pcm_decide_oversize(const PcmConfig *conf, PcmDecision *out)
{
	switch ((PcmOversize)conf->oversize_action) {
	case PCM_OVERSIZE_ACCEPT:
		out->action = PCM_ACT_ACCEPT;
		out->status = g_strdup("Unscanned (size)");
		return;
	case PCM_OVERSIZE_REJECT:
		pcm_decide_reply(out, PCM_ACT_REJECT, "552", "5.3.4",
				 g_strdup("Message too big to scan"));
		return;
	case PCM_OVERSIZE_TEMPFAIL:
		pcm_decide_reply(out, PCM_ACT_TEMPFAIL, "452", "4.3.4",
				 g_strdup("Message too big to scan now, try again later"));
		return;
	}
}

void
pcm_decide(const PcmConfig *conf, const PcVerdict *verdict, PcmDecision *out)
{
	memset(out, 0, sizeof(*out));
	switch (verdict->status) {
	case PC_STATUS_CLEAN:
		out->action = PCM_ACT_ACCEPT;
		out->status = g_strdup("Clean");
		return;
	case PC_STATUS_INFECTED:
		pcm_decide_infected(conf, pc_verdict_first_name(verdict, PC_STATUS_INFECTED), out);
		return;
	case PC_STATUS_ERROR:
		pcm_decide_error(conf, out);
		return;
	case PC_STATUS_UNSCANNED:
		pcm_decide_oversize(conf, out);
		return;
	}
}

void
pcm_decision_tempfail(PcmDecision *decision, const char *reply)
{
	pcm_decision_clear(decision);
	pcm_decide_reply(decision, PCM_ACT_TEMPFAIL, "451", "4.3.0", g_strdup(reply));
}

void
pcm_decision_clear(PcmDecision *decision)
{
	g_clear_pointer(&decision->reply, g_free);
	g_clear_pointer(&decision->status, g_free);
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
static gboolean
pcm_add_header(SMFICTX *ctx, const char *name, const char *value, gboolean leadspc)
{
	g_autofree char *text = g_strconcat(leadspc ? " " : "", value, NULL);

	return smfi_addheader(ctx, (char *)name, text) == MI_SUCCESS;
}

static sfsistat
pcm_apply_accept(SMFICTX *ctx, const PcmMsg *msg, const PcmDecision *decision,
		 gboolean leadspc)
{
	pcm_remove_headers(ctx, PCM_HDR_SCANNED, msg->forged_scanned);
	pcm_remove_headers(ctx, PCM_HDR_STATUS, msg->forged_status);
	if (!pcm_add_header(ctx, PCM_HDR_SCANNED, msg->rt->scanned_header, leadspc) ||
	    !pcm_add_header(ctx, PCM_HDR_STATUS, decision->status, leadspc))
		pcm_msg_log(msg, LOG_WARNING, "MTA refused to add X-Virus headers");
	return SMFIS_CONTINUE;
}

sfsistat
pcm_apply(SMFICTX *ctx, const PcmMsg *msg, const PcmDecision *decision, gboolean leadspc)
{
	switch (decision->action) {
	case PCM_ACT_ACCEPT:
		return pcm_apply_accept(ctx, msg, decision, leadspc);
	case PCM_ACT_REJECT:
	case PCM_ACT_TEMPFAIL:
		smfi_setreply(ctx, (char *)decision->rcode, (char *)decision->xcode,
			      decision->reply);
		return decision->action == PCM_ACT_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	case PCM_ACT_DISCARD:
	case PCM_ACT_QUARANTINE:
		return SMFIS_DISCARD;
	}
	g_assert_not_reached();
}
