/*
 * NAME
 *	verdict.c - findings and the verdict built from them
 * DESCRIPTION
 *	See include/portcullis/verdict.h.  The status of a verdict is the most
 *	severe status among its findings; its score is their sum.
 */
#include <portcullis/verdict.h>

static const char *const pc_status_names[] = {
	[PC_STATUS_CLEAN] = "clean",
	[PC_STATUS_UNSCANNED] = "unscanned",
	[PC_STATUS_ERROR] = "error",
	[PC_STATUS_INFECTED] = "infected",
};

const char *
pc_status_name(PcStatus status)
{
	return pc_status_names[status];
}

static void
pc_finding_free(gpointer data)
{
	PcFinding *finding = data;

	g_free(finding->source);
	g_free(finding->object);
	g_ptr_array_unref(finding->names);
	g_free(finding->detail);
	g_free(finding);
}

PcVerdict *
pc_verdict_new(void)
{
	PcVerdict *verdict = g_new0(PcVerdict, 1);

	verdict->findings = g_ptr_array_new_with_free_func(pc_finding_free);
	return verdict;
}

void
pc_verdict_free(PcVerdict *verdict)
{
	if (verdict == NULL)
		return;
	g_ptr_array_unref(verdict->findings);
	g_free(verdict);
}

PcFinding *
pc_verdict_add(PcVerdict *verdict, const char *source, PcStatus status,
	       const char *object, const char *name, const char *detail)
{
	PcFinding *finding = g_new0(PcFinding, 1);

	finding->source = g_strdup(source);
	finding->status = status;
	finding->object = g_strdup(object ? object : "message");
	finding->names = g_ptr_array_new_with_free_func(g_free);
	if (name != NULL)
		g_ptr_array_add(finding->names, g_strdup(name));
	finding->detail = g_strdup(detail);
	g_ptr_array_add(verdict->findings, finding);
	verdict->status = MAX(verdict->status, status);
	return finding;
}

static const PcFinding *
pc_verdict_first(const PcVerdict *verdict, PcStatus status)
{
	for (guint i = 0; i < verdict->findings->len; i++) {
		const PcFinding *finding = g_ptr_array_index(verdict->findings, i);

		if (finding->status == status)
			return finding;
	}
	return NULL;
}

const char *
pc_verdict_first_name(const PcVerdict *verdict, PcStatus status)
{
	const PcFinding *finding = pc_verdict_first(verdict, status);

	if (finding == NULL || finding->names->len == 0)
		return NULL;
	return g_ptr_array_index(finding->names, 0);
}

const char *
pc_verdict_first_detail(const PcVerdict *verdict, PcStatus status)
{
	const PcFinding *finding = pc_verdict_first(verdict, status);

	return finding ? finding->detail : NULL;
}

char *
pc_verdict_describe(const PcVerdict *verdict)
{
	const char *what = NULL;

	switch (verdict->status) {
	case PC_STATUS_INFECTED:
		what = pc_verdict_first_name(verdict, PC_STATUS_INFECTED);
		break;
	case PC_STATUS_ERROR:
	case PC_STATUS_UNSCANNED:
		what = pc_verdict_first_detail(verdict, verdict->status);
		break;
	case PC_STATUS_CLEAN:
		break;
	}
	if (what == NULL)
		return g_strdup(pc_status_name(verdict->status));
	return g_strdup_printf("%s(%s)", pc_status_name(verdict->status), what);
}
