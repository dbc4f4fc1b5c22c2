/*
 * NAME
 *	groups.c - policy groups: conditions and the lookup (see groups.h)
 */
#include "config.h"

#include "groups.h"

PcGroup *
pc_group_new(const char *name, const char *file, guint line, guint order)
{
	PcGroup *group = g_new0(PcGroup, 1);

	group->name = g_strdup(name);
	group->file = g_strdup(file);
	group->line = line;
	group->order = order;
	group->authenticated = -1;
	return group;
}

void
pc_group_free_conditions(PcGroup *group)
{
	if (group == NULL)
		return;
	pc_masks_unref(group->senders);
	pc_masks_unref(group->recipients);
	pc_networks_unref(group->clients);
	g_free(group->name);
	g_free(group->file);
	g_free(group);
}

static gint
pc_groups_order(gconstpointer a, gconstpointer b)
{
	const PcGroup *x = *(const PcGroup *const *)a;
	const PcGroup *y = *(const PcGroup *const *)b;

	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
pc_groups_sort(GPtrArray *groups)
{
	g_ptr_array_sort(groups, pc_groups_order);
}

/* Cheapest conditions first: most groups differ by recipient. */
static gboolean
pc_group_matches(const PcGroup *group, const PcEnvelope *envelope, const PcAddress *sender,
		 const PcAddress *recipient)
{
	if (group->authenticated >= 0 && group->authenticated != (envelope->authenticated != 0))
		return FALSE;
	if (group->recipients != NULL && !pc_masks_match_address(group->recipients, recipient))
		return FALSE;
	if (group->senders != NULL && !pc_masks_match_address(group->senders, sender))
		return FALSE;
	return group->clients == NULL || pc_networks_match(group->clients,
							   envelope->client_address);
}

const PcGroup *
pc_groups_match(const GPtrArray *groups, const PcEnvelope *envelope)
{
	const PcGroup *found = NULL;
	PcAddress sender, recipient;

	if (groups == NULL || groups->len == 0)
		return NULL;
	pc_address_init(&sender, envelope->sender);
	pc_address_init(&recipient, envelope->recipient);
	for (guint i = 0; found == NULL && i < groups->len; i++)
		if (pc_group_matches(g_ptr_array_index(groups, i), envelope, &sender, &recipient))
			found = g_ptr_array_index(groups, i);
	pc_address_clear(&sender);
	pc_address_clear(&recipient);
	return found;
}

static gboolean
pc_strv_same(char **a, char **b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return g_strv_equal((const char *const *)a, (const char *const *)b);
}

gboolean
pc_policy_same_scan(const PcPolicy *a, const PcPolicy *b)
{
	const PcFilterPolicy *f = &a->filter, *g = &b->filter;

	return a->av == b->av && a->filter_enabled == b->filter_enabled && a->spam == b->spam &&
	       a->spam_threshold == b->spam_threshold &&
	       a->probable_threshold == b->probable_threshold &&
	       a->scan_mode == b->scan_mode && a->raw_scan == b->raw_scan &&
	       pc_strv_same(a->signature_overrides, b->signature_overrides) &&
	       pc_strv_same(f->name_include, g->name_include) &&
	       pc_strv_same(f->name_exclude, g->name_exclude) &&
	       pc_strv_same(f->type_include, g->type_include) &&
	       pc_strv_same(f->type_exclude, g->type_exclude) &&
	       f->executables == g->executables && f->type_mismatch == g->type_mismatch &&
	       f->double_extension == g->double_extension &&
	       f->max_attachment_size == g->max_attachment_size;
}
