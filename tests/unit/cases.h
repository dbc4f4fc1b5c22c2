/*
 * cases.h - helpers shared by the unit tests: register a table of named
 * GTest cases under one path prefix (each row of the array must have a
 * "name" member); an array of strings from a NULL-terminated list.
 */
#ifndef PC_TEST_CASES_H
#define PC_TEST_CASES_H

#include <glib.h>

#define PC_TEST_ADD_CASES(prefix, cases, func)						\
	for (guint pc_case_i = 0; pc_case_i < G_N_ELEMENTS(cases); pc_case_i++) {	\
		g_autofree char *pc_case_path =						\
			g_strdup_printf("%s/%s", (prefix), (cases)[pc_case_i].name);	\
		g_test_add_data_func(pc_case_path, &(cases)[pc_case_i], (func));	\
	}

static inline GPtrArray *
pc_test_strings(const char *const *items)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; items[i] != NULL; i++)
		g_ptr_array_add(a, g_strdup(items[i]));
	return a;
}

#endif
