/*
 * scan-cost: CPU per message of the engine alone, with no MTA and no milter
 * protocol.  Builds the engine from the daemon's built-in configuration plus
 * the given overrides (exactly as `portcullis -o` does) and prints
 * milliseconds of process CPU per message.
 *
 *   scan-cost MESSAGE COUNT [group.key=value ...]
 *	scans one message COUNT times from memory, as the daemon does for a
 *	message below spool_memory_max.  The first "000000" in MESSAGE is
 *	overwritten with the iteration number, so the whole message never
 *	repeats (in the SMTP benchmark queue ids and Received headers differ).
 *   scan-cost --corpus DIR [group.key=value ...]
 *	scans every DIR/ *.eml once with the configured policy.
 *   scan-cost --envelope IP,HELO,SENDER MESSAGE COUNT [group.key=value ...]
 *	the same with the envelope an MTA would give (sender authentication:
 *	SPF needs the client, HELO and sender).
 *   scan-cost --bare DIR [group.key=value ...]
 *	gives every file of DIR/decoded/ (the attachments of DIR's messages,
 *	decoded) to libclamav alone, through the same compiled engine and
 *	scan options a part gets, no MIME: the baseline for --corpus.  The
 *	total is divided by the number of DIR/ *.eml.
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

/* Every file of dir whose name ends in suffix ("" for all), read in. */
static GPtrArray *
read_files(const char *dir, const char *suffix)
{
	GPtrArray *files = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		char *data;
		gsize len;

		if (g_str_has_suffix(name, suffix) && g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
		    g_file_get_contents(path, &data, &len, NULL))
			g_ptr_array_add(files, g_bytes_new_take(data, len));
	}
	return files;
}

/* "IP,HELO,SENDER" of --envelope, or NULLs. */
static char **envelope;

static double
cost_repeat(PcEngine *engine, const PcPolicy *policy, char *message, gsize len, long count)
{
	char *counter = strstr(message, "000000");
	double start = cpu_ms();

	for (long i = 0; i < count; i++) {
		char digits[16];
		PcInput input = { (const guint8 *)message, len, -1, envelope ? envelope[0] : NULL,
				  envelope ? envelope[2] : NULL, envelope ? envelope[1] : NULL, 0 };

		snprintf(digits, sizeof(digits), "%06ld", i % 1000000);
		if (counter != NULL)
			memcpy(counter, digits, 6);
		pc_verdict_free(pc_engine_scan(engine, &input, policy));
	}
	return (cpu_ms() - start) / count;
}

static double
cost_corpus(PcEngine *engine, const PcPolicy *policy, const char *dir, gboolean bare)
{
	g_autoptr(GPtrArray) messages = read_files(dir, ".eml");
	g_autofree char *decoded = g_build_filename(dir, "decoded", NULL);
	g_autoptr(GPtrArray) files = bare ? read_files(decoded, "") : g_ptr_array_ref(messages);
	double start = cpu_ms();

	for (guint i = 0; i < files->len; i++) {
		gsize len;
		const guint8 *data = g_bytes_get_data(g_ptr_array_index(files, i), &len);
		PcInput input = { data, len, -1, NULL, NULL, NULL, 0 };

		pc_verdict_free(bare ? pc_engine_scan_file(engine, data, len)
				     : pc_engine_scan(engine, &input, policy));
	}
	if (messages->len == 0 || files->len == 0) {
		fprintf(stderr, "scan-cost: %s: no messages or decoded files\n", dir);
		exit(1);
	}
	return (cpu_ms() - start) / messages->len;
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	g_autofree char *message = NULL;
	gboolean corpus = argc > 2 && strcmp(argv[1], "--corpus") == 0;
	gboolean bare = argc > 2 && strcmp(argv[1], "--bare") == 0;
	PcEngineOptions options;
	PcEngine *engine;
	gsize len = 0;
	long count = 0;
	double ms;

	if (argc > 3 && strcmp(argv[1], "--envelope") == 0) {
		envelope = g_strsplit(argv[2], ",", 3);
		if (g_strv_length(envelope) != 3)
			envelope = NULL;
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || (!corpus && !bare && (count = atol(argv[2])) <= 0)) {
		fprintf(stderr, "usage: scan-cost [--envelope IP,HELO,SENDER] MESSAGE COUNT "
				"[group.key=value ...]\n"
				"       scan-cost --corpus|--bare DIR [group.key=value ...]\n");
		return 2;
	}
	if (!corpus && !bare && !g_file_get_contents(argv[1], &message, &len, &error)) {
		fprintf(stderr, "scan-cost: %s\n", error->message);
		return 1;
	}
	conf = pcm_conf_load_with(NULL, (const char *const *)argv + 3, &error);
	if (conf == NULL || !pc_engine_global_init(scan_cost_log, &error)) {
		fprintf(stderr, "scan-cost: %s\n", error->message);
		return 1;
	}
	pcm_runtime_engine_options(conf, &options);
	options.av_wait_for_database = FALSE;	/* a figure without signatures means nothing */
	engine = pc_engine_new(&options, &error);
	if (engine == NULL) {
		fprintf(stderr, "scan-cost: %s\n", error->message);
		return 1;
	}
	ms = corpus || bare ? cost_corpus(engine, &conf->policy, argv[2], bare)
			    : cost_repeat(engine, &conf->policy, message, len, count);
	printf("%.3f\n", ms);
	pc_engine_unref(engine);
	return 0;
}
