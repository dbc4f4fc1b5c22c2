/*
 * NAME
 *	runtime.h - the current configuration and engine, as one snapshot
 * DESCRIPTION
 *	A runtime pairs a configuration with the engine built from it.  Each
 *	message takes a reference to the current runtime when it starts and
 *	keeps it to the end, so a reload (new signatures or new config) never
 *	changes the rules under a message in flight; the old runtime, and
 *	with it the old engine, is freed when its last message ends.
 * THREAD SAFETY
 *	pcm_runtime_current() and pcm_runtime_install() may race freely.
 */
#ifndef PCM_RUNTIME_H
#define PCM_RUNTIME_H

#include <sys/types.h>
#include <portcullis/engine.h>
#include "conf.h"
#include "notify.h"

typedef struct {
	PcmConfig *conf;
	PcEngine *engine;
	char *scanned_header;	/* X-Virus-Scanned value */
	guint generation;	/* counts installs, for logs */
	PcnTemplates *templates;	/* notification templates */
	GBytes *release_key;	/* NULL: release marks cannot be checked */
	char *release_key_error;	/* why not, for the start-up log */
} PcmRuntime;

/* Builds the engine for conf and loads the notification templates; NULL
 * and error if signatures or templates cannot load (or a policy asks for
 * a template language that is not there).  A release key that cannot be
 * read or made only disables release marks (release_key_error says why).
 * The key is read once and kept: a later build whose file cannot be read
 * (the daemon no longer runs as root, say) keeps the key it has and logs
 * an error. */
PcmRuntime *pcm_runtime_build(PcmConfig *conf, GError **error);
/* A runtime for conf with the engine of old (its templates are conf's);
 * for conf whose engine settings are old's (pcm_runtime_same_engine). */
PcmRuntime *pcm_runtime_build_keeping(PcmConfig *conf, const PcmRuntime *old, GError **error);
/* Whether a and b give the engine the same options. */
gboolean pcm_runtime_same_engine(const PcmConfig *a, const PcmConfig *b);
/* The same with a stand-in engine (pc_engine_new_standin) that answers
 * every message with an error saying why: what is installed while a
 * sequential reload has freed the old engine and builds the new one. */
PcmRuntime *pcm_runtime_build_standin(PcmConfig *conf, const char *why, GError **error);
/* Waits until the installed runtime is the only one alive (the messages
 * that began under older ones have ended) or deadline (monotonic µs);
 * returns how many others are still alive. */
guint pcm_runtime_wait_alone(gint64 deadline);
PcmRuntime *pcm_runtime_ref(PcmRuntime *rt);
void pcm_runtime_unref(PcmRuntime *rt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcmRuntime, pcm_runtime_unref)

/* A new reference to the installed runtime. */
PcmRuntime *pcm_runtime_current(void);
/* Whom a newly made release key file belongs to (the -u user when the
 * daemon starts as root); by default whoever runs it. */
void pcm_runtime_set_key_owner(uid_t uid, gid_t gid);
/* A missing key file is not made (portcullis -t writes nothing: run as
 * root it would leave a key the daemon's user cannot read). */
void pcm_runtime_key_no_create(void);
/* Makes rt current (taking the caller's reference); drops the old one. */
void pcm_runtime_install(PcmRuntime *rt);
/* Drops the installed runtime at exit. */
void pcm_runtime_shutdown(void);

void pcm_runtime_engine_options(const PcmConfig *conf, PcEngineOptions *options);

#endif
