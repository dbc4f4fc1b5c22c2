/*
 * scan-cost: CPU per message of the engine alone, with no MTA and no milter
 * protocol.  Builds the engine from the daemon's built-in configuration plus
 * the given overrides (exactly as `portcullis -o` does), scans one message
 * COUNT times from memory, as the daemon does for a message below
 * spool_memory_max, and prints milliseconds of process CPU per scan.
 *
 *   scan-cost MESSAGE COUNT [group.key=value ...]
 *
 * The first "000000" in MESSAGE is overwritten with the iteration number, so
 * the whole message never repeats (in the SMTP benchmark queue ids and
 * Received headers differ); its parts may repeat, as they do there.
 */
#include <portcullis/engine.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "runtime.h"

static void
scan_cost_log(GLogLevelFlags level, const char *message)
{
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
		fprintf(stderr, "scan-cost: %s\n", message);
}

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_autofree char *message = NULL;
	PcEngineOptions options;
	PcEngine *engine;
	gsize len;
	char *counter;
	long count;

	if (argc < 3 || (count = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: scan-cost MESSAGE COUNT [group.key=value ...]\n");
		return 2;
	}
	if (!g_file_get_contents(argv[1], &message, &len, &error) ||
	    (counter = strstr(message, "000000")) == NULL) {
		fprintf(stderr, "scan-cost: %s: %s\n", argv[1],
			error ? error->message : "no 000000 to vary");
		return 1;
	}
	conf = pcm_conf_load_with(NULL, (const char *const *)argv + 3, &error);
	if (conf == NULL || !pc_engine_global_init(scan_cost_log, &error)) {
		fprintf(stderr, "scan-cost: %s\n", error->message);
		return 1;
	}
	pcm_runtime_engine_options(conf, &options);
	engine = pc_engine_new(&options, &error);
	if (engine == NULL) {
		fprintf(stderr, "scan-cost: %s\n", error->message);
		return 1;
	}

	double start = cpu_ms();

	for (long i = 0; i < count; i++) {
		char digits[7];

		snprintf(digits, sizeof(digits), "%06ld", i % 1000000);
		memcpy(counter, digits, 6);
		PcInput input = { .data = (const guint8 *)message, .len = len, .fd = -1 };
		pc_verdict_free(pc_engine_scan(engine, &input, &conf->policy));
	}
	printf("%.3f\n", (cpu_ms() - start) / count);
	pc_engine_unref(engine);
	return 0;
}
