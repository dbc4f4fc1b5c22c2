/*
 * NAME
 *	engine.c - build, share and run the set of checks
 * DESCRIPTION
 *	See include/portcullis/engine.h.  An engine holds one state per
 *	check in pc_engine_checks[]; a scan runs them in order.  A check that
 *	fails adds an error finding naming it, so a broken check can never
 *	look like a clean message.
 * THREAD SAFETY
 *	Engines are immutable after pc_engine_new(); the reference count is
 *	atomic.  pc_engine_database_changed() is for one watcher thread only.
 */
#include "config.h"

#include "check.h"

/* The AV check stays first: engine info and database watching come from it. */
static const PcCheck *const pc_engine_checks[] = {
	&pc_check_av,
};
#define PC_ENGINE_NCHECKS G_N_ELEMENTS(pc_engine_checks)

struct PcEngine {
	gatomicrefcount ref;
	PcEngineInfo info;
	gpointer states[PC_ENGINE_NCHECKS];
};

G_DEFINE_QUARK(pc-engine-error-quark, pc_engine_error)

gboolean
pc_engine_global_init(PcEngineLogFunc handler, GError **error)
{
	return pc_av_global_init(handler, error);
}

static void
pc_engine_free(PcEngine *engine)
{
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++)
		if (engine->states[i] != NULL)
			pc_engine_checks[i]->destroy(engine->states[i]);
	g_free(engine->info.scanner_version);
	g_free(engine->info.database_version);
	g_free(engine->info.database_dir);
	g_free(engine);
}

PcEngine *
pc_engine_new(const PcEngineOptions *options, GError **error)
{
	PcEngine *engine = g_new0(PcEngine, 1);

	g_atomic_ref_count_init(&engine->ref);
	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++) {
		engine->states[i] = pc_engine_checks[i]->create(options, error);
		if (engine->states[i] == NULL) {
			pc_engine_free(engine);
			return NULL;
		}
	}
	pc_av_fill_info(engine->states[0], &engine->info);
	engine->info.database_dir = g_strdup(options->database_dir);
	return engine;
}

PcEngine *
pc_engine_ref(PcEngine *engine)
{
	g_atomic_ref_count_inc(&engine->ref);
	return engine;
}

void
pc_engine_unref(PcEngine *engine)
{
	if (engine != NULL && g_atomic_ref_count_dec(&engine->ref))
		pc_engine_free(engine);
}

const PcEngineInfo *
pc_engine_info(const PcEngine *engine)
{
	return &engine->info;
}

PcVerdict *
pc_engine_scan(PcEngine *engine, const PcInput *input)
{
	PcVerdict *verdict = pc_verdict_new();

	for (guint i = 0; i < PC_ENGINE_NCHECKS; i++) {
		g_autoptr(GError) error = NULL;

		if (!pc_engine_checks[i]->scan(engine->states[i], input, verdict, &error))
			pc_verdict_add(verdict, pc_engine_checks[i]->name, PC_STATUS_ERROR,
				       NULL, NULL, error->message);
	}
	return verdict;
}

gboolean
pc_engine_database_changed(PcEngine *engine)
{
	return pc_av_database_changed(engine->states[0]);
}
