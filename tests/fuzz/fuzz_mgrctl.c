/*
 * The mgrctl output parser: panel_parse_list over arbitrary bytes with
 * the callbacks panel_domains and panel_records really use.  They are
 * static, so this file includes src/panel.c itself; the fuzz build
 * links the other objects from an archive, which leaves panel.o out.
 */
#include "../../src/panel.c"

#include <stdint.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domlist	 l = { NULL, 0 };
	struct precords	 r = { NULL, 0 };
	struct err	 err;
	size_t		 i;

	err_clear(&err);
	if (panel_parse_list((const char *)data, size, add_elem, &l,
	    &err) == -1 && !err_isset(&err))
		abort();
	/* What panel_domains does with the list next. */
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(l.v[0]), cmp_domain);
	for (i = 0; i < l.n; i++)
		if (l.v[i].name == NULL || domlist_find(&l, l.v[i].name) == NULL)
			abort();
	domlist_free(&l);

	err_clear(&err);
	if (panel_parse_list((const char *)data, size, add_record, &r,
	    &err) == -1 && !err_isset(&err))
		abort();
	for (i = 0; i < r.n; i++)
		if (r.v[i].name == NULL || r.v[i].type == NULL ||
		    r.v[i].value == NULL || r.v[i].ttl < 0)
			abort();
	precords_free(&r);
	return 0;
}
