/*
 * NAME
 *	outcome.c - scan and decide per policy group (see outcome.h)
 */
#include "config.h"

#include <string.h>

#include "actions.h"
#include "log.h"
#include "outcome.h"
#include "release.h"

static const PcPolicy *
pcm_group_policy(const PcmMsg *msg, const PcGroup *group)
{
	return group ? &group->policy : &msg->rt->conf->policy;
}

/* Distinct groups in recipient order; NULL stands for the default. */
static GPtrArray *
pcm_outcome_groups(const PcmMsg *msg)
{
	GPtrArray *groups = g_ptr_array_new();

	for (guint i = 0; i < msg->groups->len; i++)
		if (!g_ptr_array_find(groups, g_ptr_array_index(msg->groups, i), NULL))
			g_ptr_array_add(groups, g_ptr_array_index(msg->groups, i));
	if (groups->len == 0)
		g_ptr_array_add(groups, NULL);
	return groups;
}

/* The verdict of an earlier group that scans alike, or a new scan. */
static PcVerdict *
pcm_outcome_verdict(PcmMsg *msg, PcmOutcome *out, GPtrArray *scanned, const PcPolicy *policy)
{
	for (guint i = 0; i < scanned->len; i++)
		if (pc_policy_same_scan(g_ptr_array_index(scanned, i), policy))
			return g_ptr_array_index(out->verdicts, i);
	g_ptr_array_add(scanned, (gpointer)policy);
	g_ptr_array_add(out->verdicts, pcm_msg_scan(msg, policy));
	return g_ptr_array_index(out->verdicts, out->verdicts->len - 1);
}

static char *
pcm_outcome_describe(const PcGroup *winner, const GPtrArray *groups)
{
	GString *text = g_string_new(winner ? winner->name : "default");

	if (groups->len < 2)
		return g_string_free(text, FALSE);
	g_string_append(text, "(strictest of ");
	for (guint i = 0; i < groups->len; i++) {
		const PcGroup *group = g_ptr_array_index(groups, i);

		g_string_append_printf(text, "%s%s", i ? "," : "", group ? group->name : "default");
	}
	g_string_append_c(text, ')');
	return g_string_free(text, FALSE);
}

/* The quarantine id when the message carries a valid mark for its
 * recipients and body, naming an entry of the quarantine, used for the
 * first time; NULL (logged) otherwise. */
static char *
pcm_outcome_release_id(PcmMsg *msg)
{
	g_autoptr(GError) error = NULL;
	g_autofree const char **rcpts = NULL;
	g_autofree char *reason = NULL;
	char *id = NULL;
	const guint8 *data;
	gsize len = 0;

	if (msg->release_mark == NULL || msg->spool == NULL)
		return NULL;
	if (msg->rt->release_key == NULL) {
		pcm_msg_log(msg, LOG_WARNING, "release mark not checked (%s): scanned as usual",
			    msg->rt->release_key_error);
		return NULL;
	}
	data = pcm_spool_map(msg->spool, &len, &error);
	if (data == NULL) {
		pcm_msg_log(msg, LOG_WARNING, "release mark not checked: %s", error->message);
		return NULL;
	}
	rcpts = g_new0(const char *, msg->recipients->len + 1);
	memcpy(rcpts, msg->recipients->pdata, msg->recipients->len * sizeof(char *));
	if (!pcq_release_accept(msg->rt->conf->quarantine_dir, msg->rt->release_key,
				msg->release_mark, g_get_real_time() / G_USEC_PER_SEC, rcpts, data,
				len, &id, &reason))
		pcm_msg_log(msg, LOG_WARNING, "release mark refused (%s): scanned as usual",
			    reason);
	pcm_spool_unmap(msg->spool, data, len);
	return id;
}

static void
pcm_outcome_released(PcmMsg *msg, PcmOutcome *out)
{
	const PcGroup *group = msg->groups->len ? g_ptr_array_index(msg->groups, 0) : NULL;

	out->group = group;
	out->policy = pcm_group_policy(msg, group);
	out->verdict = pc_verdict_new();
	g_ptr_array_add(out->verdicts, out->verdict);
	out->decision.action = PC_ACT_ACCEPT;
	out->decision.add_headers = out->policy->add_headers;
	out->decision.status = g_strdup_printf("Released from quarantine (%s)", out->released);
	out->groups = g_strdup(group ? group->name : "default");
}

void
pcm_outcome_decide(PcmMsg *msg, PcmOutcome *out)
{
	g_autoptr(GPtrArray) groups = pcm_outcome_groups(msg);
	g_autoptr(GPtrArray) scanned = g_ptr_array_new();

	memset(out, 0, sizeof(*out));
	out->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)pc_verdict_free);
	out->released = pcm_outcome_release_id(msg);
	if (out->released != NULL) {
		pcm_outcome_released(msg, out);
		return;
	}
	for (guint i = 0; i < groups->len; i++) {
		const PcGroup *group = g_ptr_array_index(groups, i);
		const PcPolicy *policy = pcm_group_policy(msg, group);
		PcVerdict *verdict = pcm_outcome_verdict(msg, out, scanned, policy);
		PcDecision decision;
		gint64 start = g_get_monotonic_time();

		pcm_decide(msg->rt->conf, msg, verdict, policy, &decision);
		out->decision_us += g_get_monotonic_time() - start;
		if (i > 0 && pc_decision_severity(&decision) <= pc_decision_severity(&out->decision)) {
			pc_decision_clear(&decision);
			continue;
		}
		if (i > 0)
			pc_decision_clear(&out->decision);
		out->decision = decision;
		out->verdict = verdict;
		out->group = group;
		out->policy = policy;
	}
	out->groups = pcm_outcome_describe(out->group, groups);
}

void
pcm_outcome_clear(PcmOutcome *out)
{
	pc_decision_clear(&out->decision);
	g_clear_pointer(&out->verdicts, g_ptr_array_unref);
	g_clear_pointer(&out->groups, g_free);
	g_clear_pointer(&out->released, g_free);
	out->verdict = NULL;
}

PcStatus
pcm_outcome_status(const PcmOutcome *o)
{
	return MAX(o->verdict->status, o->decision.listed_status);
}
