/*
 * NAME
 *	scan_files.c - portcullis --scan (see scan_files.h)
 */
#include "config.h"

#include <stdio.h>
#include <glib/gstdio.h>
#include <portcullis/engine.h>

#include "runtime.h"
#include "scan_files.h"

static int
pcm_scan_one(PcEngine *engine, const PcPolicy *policy, const PcmEnvelopeArgs *envelope,
	     const char *path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GMappedFile) file = g_mapped_file_new(path, FALSE, &error);
	g_autoptr(PcVerdict) verdict = NULL;
	g_autofree char *json = NULL;
	PcInput input = { (const guint8 *)"", 0, -1, envelope->client, envelope->sender,
			  envelope->helo, 0 };

	if (file == NULL) {
		fprintf(stderr, "portcullis: %s\n", error->message);
		return 2;
	}
	if (g_mapped_file_get_length(file) > 0)
		input.data = (const guint8 *)g_mapped_file_get_contents(file);
	input.len = g_mapped_file_get_length(file);
	verdict = pc_engine_scan(engine, &input, policy);
	json = pc_verdict_to_json(verdict, path);
	puts(json);
	if (verdict->status == PC_STATUS_ERROR)
		return 2;
	return verdict->status == PC_STATUS_CLEAN ? 0 : 1;
}

/* The engine as the daemon would build it, or NULL with the reason printed. */
static PcEngine *
pcm_scan_engine(PcmConfig *conf)
{
	g_autoptr(GError) error = NULL;
	PcEngineOptions options;
	PcEngine *engine;

	pcm_runtime_engine_options(conf, &options);
	options.digests = TRUE;
	options.av_wait_for_database = FALSE;
	g_mkdir(conf->scan_tmp_dir, 0700);
	engine = pc_engine_new(&options, &error);
	if (engine == NULL)
		fprintf(stderr, "portcullis: %s\n", error->message);
	return engine;
}

int
pcm_list_rules(PcmConfig *conf)
{
	PcEngine *engine = pcm_scan_engine(conf);
	g_autoptr(GPtrArray) lines = NULL;

	if (engine == NULL)
		return 2;
	lines = pc_engine_spam_rules(engine);
	for (guint i = 0; i < lines->len; i++)
		printf("%s\n", (char *)g_ptr_array_index(lines, i));
	pc_engine_unref(engine);
	return 0;
}

int
pcm_scan_files(PcmConfig *conf, const PcmEnvelopeArgs *envelope, char **files)
{
	PcEngine *engine = pcm_scan_engine(conf);
	int worst = 0;

	if (engine == NULL)
		return 2;
	for (guint i = 0; files != NULL && files[i] != NULL; i++) {
		int rc = pcm_scan_one(engine, &conf->policy, envelope, files[i]);

		worst = MAX(worst, rc);
	}
	pc_engine_unref(engine);
	return worst;
}
