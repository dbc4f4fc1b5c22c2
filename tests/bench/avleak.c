/*
 * avleak: what libclamav's leaks on malformed input cost a long-running
 * daemon (issue 17, item 7).  Builds the engine from the daemon's built-in
 * configuration plus the given overrides (exactly as `portcullis -o` does),
 * scans each input COUNT times in this one process and prints the growth of
 * the heap's bytes in use per scan.
 *
 *   avleak COUNT FILE... [-- group.key=value ...]
 *	a FILE ending in .eml is a message given to pc_engine_scan() (GMime,
 *	every part to libclamav, as the daemon scans a message below
 *	spool_memory_max); any other FILE is given to libclamav alone through
 *	pc_engine_scan_file(), the compiled engine and scan options a part
 *	gets.  One line per FILE: "bytes-per-scan<TAB>FILE".
 *   avleak --reload COUNT [group.key=value ...]
 *	builds and frees the engine COUNT times, as a database reload does
 *	(the daemon builds a new engine when the signatures change), and
 *	prints "bytes-per-load<TAB>reload".
 *
 * Growth is mallinfo2()'s in-use bytes (uordblks + hblkhd), which free
 * lists and fragmentation do not move.  The process is kept to one malloc
 * arena so that every allocation is counted.  Each input is scanned
 * COUNT / 10 times (at least 20) before measuring, so libclamav's and
 * GLib's one-time allocations (lazy tables, caches) are not counted as a
 * leak: what is left is what every further scan adds.
 */
#include <portcullis/engine.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "runtime.h"

static void
avleak_log(GLogLevelFlags level, const char *message)
{
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
		fprintf(stderr, "avleak: %s\n", message);
}

static long long
heap_in_use(void)
{
	struct mallinfo2 info = mallinfo2();

	return (long long)(info.uordblks + info.hblkhd);
}

static PcEngine *
avleak_engine(const PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;
	PcEngineOptions options;
	PcEngine *engine;

	pcm_runtime_engine_options(conf, &options);
	options.av_wait_for_database = FALSE;
	engine = pc_engine_new(&options, &error);
	if (engine == NULL) {
		fprintf(stderr, "avleak: %s\n", error->message);
		exit(1);
	}
	return engine;
}

static void
scan_once(PcEngine *engine, const PcPolicy *policy, GBytes *bytes, gboolean message)
{
	gsize len;
	const guint8 *data = g_bytes_get_data(bytes, &len);
	PcInput input = { data, len, -1, NULL, NULL, NULL, 0 };

	pc_verdict_free(message ? pc_engine_scan(engine, &input, policy)
				: pc_engine_scan_file(engine, data, len));
}

/* Heap growth per scan of one file, after the warm-up scans. */
static double
leak_per_scan(PcEngine *engine, const PcPolicy *policy, const char *path, long count)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes = NULL;
	gboolean message = g_str_has_suffix(path, ".eml");
	long warm = MAX(count / 10, 20);
	long long before;
	char *data;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, &error)) {
		fprintf(stderr, "avleak: %s\n", error->message);
		exit(1);
	}
	bytes = g_bytes_new_take(data, len);
	for (long i = 0; i < warm; i++)
		scan_once(engine, policy, bytes, message);
	before = heap_in_use();
	for (long i = 0; i < count; i++)
		scan_once(engine, policy, bytes, message);
	return (double)(heap_in_use() - before) / count;
}

/* Heap growth per engine built and freed, after the warm-up loads. */
static double
leak_per_load(const PcmConfig *conf, long count)
{
	long warm = MAX(count / 10, 2);
	long long before;

	for (long i = 0; i < warm; i++)
		pc_engine_unref(avleak_engine(conf));
	before = heap_in_use();
	for (long i = 0; i < count; i++)
		pc_engine_unref(avleak_engine(conf));
	return (double)(heap_in_use() - before) / count;
}

/* The index of "--" in argv, or argc. */
static int
find_separator(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return argc;
}

static PcmConfig *
avleak_conf(char **overrides)
{
	g_autoptr(GError) error = NULL;
	PcmConfig *conf = pcm_conf_load_with(NULL, (const char *const *)overrides, &error);

	if (conf == NULL || !pc_engine_global_init(avleak_log, &error)) {
		fprintf(stderr, "avleak: %s\n", error->message);
		exit(1);
	}
	return conf;
}

int
main(int argc, char **argv)
{
	gboolean reload = argc > 2 && strcmp(argv[1], "--reload") == 0;
	long count = argc > 2 ? atol(argv[reload ? 2 : 1]) : 0;
	int separator = find_separator(argc, argv);
	g_autoptr(PcmConfig) conf = NULL;
	PcEngine *engine;

	if (count <= 0 || (!reload && separator < 3)) {
		fprintf(stderr, "usage: avleak COUNT FILE... [-- group.key=value ...]\n"
				"       avleak --reload COUNT [group.key=value ...]\n");
		return 2;
	}
	/* Threads the engine starts would get arenas of their own, unmeasured. */
	mallopt(M_ARENA_MAX, 1);
	if (reload) {
		conf = avleak_conf(argv + 3);
		printf("%.1f\treload\n", leak_per_load(conf, count));
		return 0;
	}
	conf = avleak_conf(argv + MIN(separator + 1, argc));
	engine = avleak_engine(conf);
	for (int i = 2; i < separator; i++) {
		printf("%.1f\t%s\n", leak_per_scan(engine, &conf->policy, argv[i], count), argv[i]);
		fflush(stdout);
	}
	pc_engine_unref(engine);
	return 0;
}
