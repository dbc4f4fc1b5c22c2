/*
 * fuzz.h - what the libFuzzer targets share: their entry points and the
 * engine they scan with.
 */
#ifndef PC_FUZZ_H
#define PC_FUZZ_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <portcullis/engine.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const guint8 *data, size_t len);

/* GLib's g_error() traps; libFuzzer saves the input only on abort. */
static void
fuzz_trap(int sig)
{
	(void)sig;
	abort();
}

/* The engine of a target, or exit with the reason. */
static PcEngine *
fuzz_engine_start(const char *target, const PcEngineOptions *options)
{
	g_autoptr(GError) error = NULL;
	PcEngine *engine = NULL;

	signal(SIGTRAP, fuzz_trap);
	if (!pc_engine_global_init(NULL, &error) ||
	    (engine = pc_engine_new(options, &error)) == NULL) {
		fprintf(stderr, "%s: %s\n", target, error->message);
		exit(1);
	}
	return engine;
}

#endif
