/*
 * cases.h - register a table of named GTest cases under one path prefix.
 * Each row of the array must have a "name" member.
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

#endif
