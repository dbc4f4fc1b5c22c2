/*
 * NAME
 *	outcome.c - scan and decide per policy group (see outcome.h)
 */
#include "config.h"

#include "actions.h"
#include "outcome.h"

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

void
pcm_outcome_decide(PcmMsg *msg, PcmOutcome *out)
{
	g_autoptr(GPtrArray) groups = pcm_outcome_groups(msg);
	g_autoptr(GPtrArray) scanned = g_ptr_array_new();

	memset(out, 0, sizeof(*out));
	out->verdicts = g_ptr_array_new_with_free_func((GDestroyNotify)pc_verdict_free);
	for (guint i = 0; i < groups->len; i++) {
		const PcGroup *group = g_ptr_array_index(groups, i);
		const PcPolicy *policy = pcm_group_policy(msg, group);
		PcVerdict *verdict = pcm_outcome_verdict(msg, out, scanned, policy);
		PcDecision decision;

		pcm_decide(msg->rt->conf, msg, verdict, policy, &decision);
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
	out->verdict = NULL;
}
