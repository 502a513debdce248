/*
 * Unit tests for the parsing half of src/panel.c: mgr5 JSON lists in
 * the shapes mgrctl produces, registrable domains, the domain list.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cf.h"
#include "json.h"
#include "panel.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Collects each row's name and owner as "name/owner". */
struct rows {
	char	 v[8][128];
	size_t	 n;
	int	 fail;	/* make the callback fail */
};

static int
collect(void *arg, const struct json *elem)
{
	struct rows	*r = arg;
	const char	*name = panel_value(elem, "name"),
			*owner = panel_value(elem, "owner");

	if (r->fail)
		return -1;
	if (r->n < NELEM(r->v))
		snprintf(r->v[r->n], sizeof(r->v[0]), "%s/%s",
		    name ? name : "(none)", owner ? owner : "(none)");
	r->n++;
	return 0;
}

static void
test_parse_list(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		size_t		 n;
		const char	*rows[4];
	} c[] = {
		/* Many rows: an array of objects, values as {"$": ...}. */
		{ "{\"doc\":{\"elem\":[{\"name\":{\"$\":\"a.com\"},\"owner\":"
		    "{\"$\":\"alice\"}},{\"name\":{\"$\":\"b.org\"},\"owner\":"
		    "{\"$\":\"bob\"}}]}}", 0, 2,
		    { "a.com/alice", "b.org/bob" } },
		/* One row: the object itself. */
		{ "{\"doc\":{\"elem\":{\"name\":{\"$\":\"a.com\"}}}}", 0, 1,
		    { "a.com/(none)" } },
		/* No rows: no "elem" at all. */
		{ "{\"doc\":{}}", 0, 0, { NULL } },
		{ "{\"doc\":{\"$lang\":\"en\",\"tparams\":{}}}", 0, 0,
		    { NULL } },
		/* Bare strings, as other converters write them. */
		{ "{\"doc\":{\"elem\":[{\"name\":\"a.com\",\"owner\":\"alice\"},"
		    "{\"name\":\"b.org\"}]}}", 0, 2,
		    { "a.com/alice", "b.org/(none)" } },
		/* Values of other shapes read as absent. */
		{ "{\"doc\":{\"elem\":[{\"name\":5},{\"name\":{\"$\":5}},"
		    "{\"name\":{\"x\":\"a\"}},{\"name\":null},{\"name\":[\"a\"]},"
		    "{}]}}", 0, 6, { "(none)/(none)", "(none)/(none)",
		    "(none)/(none)", "(none)/(none)" } },
		/* Rows that are not objects are skipped. */
		{ "{\"doc\":{\"elem\":[\"a.com\",5,null,{\"name\":\"b.org\"},"
		    "[]]}}", 0, 1, { "b.org/(none)" } },
		{ "{\"doc\":{\"elem\":[]}}", 0, 0, { NULL } },
		/* The panel's errors and garbage. */
		{ "{\"doc\":{\"error\":{\"$type\":\"access\",\"msg\":{\"$\":"
		    "\"Access denied\"}}}}", -1, 0, { NULL } },
		{ "{\"doc\":{\"error\":{},\"elem\":[{\"name\":\"a.com\"}]}}", -1,
		    0, { NULL } },
		{ "{\"doc\":{\"elem\":\"a.com\"}}", -1, 0, { NULL } },
		{ "{\"doc\":{\"elem\":5}}", -1, 0, { NULL } },
		{ "{\"doc\":\"x\"}", -1, 0, { NULL } },
		{ "{\"doc\":[]}", -1, 0, { NULL } },
		{ "{\"elem\":[{\"name\":\"a.com\"}]}", -1, 0, { NULL } },
		{ "[]", -1, 0, { NULL } },
		{ "", -1, 0, { NULL } },
		{ "<doc><elem><name>a.com</name></elem></doc>", -1, 0,
		    { NULL } },
		{ "Error: cannot connect to ispmgr", -1, 0, { NULL } },
		{ "{\"doc\":{\"elem\":[{\"name\":\"a.com\"}", -1, 0, { NULL } },
	};
	struct rows	 rows;
	struct err	 err;
	size_t		 i, k;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		memset(&rows, 0, sizeof(rows));
		err_clear(&err);
		rc = panel_parse_list(c[i].in, strlen(c[i].in), collect, &rows,
		    &err);
		if (rc != c[i].rc || (rc == 0 && rows.n != c[i].n) ||
		    (rc == -1 && !err_isset(&err)) ||
		    (rc == 0 && err_isset(&err))) {
			print_error("panel_parse_list case %zu: input '%s': rc "
			    "%d rows %zu (%s), expected rc %d rows %zu\n", i,
			    c[i].in, rc, rows.n, err.msg, c[i].rc, c[i].n);
			bad++;
			continue;
		}
		for (k = 0; rc == 0 && k < rows.n && k < NELEM(c[i].rows) &&
		    c[i].rows[k] != NULL; k++)
			if (strcmp(rows.v[k], c[i].rows[k]) != 0) {
				print_error("panel_parse_list case %zu: row %zu "
				    "'%s', expected '%s'\n", i, k, rows.v[k],
				    c[i].rows[k]);
				bad++;
			}
	}
	assert_int_equal(bad, 0);
}

/* A callback that fails fails the parse, with an error to show. */
static void
test_parse_list_callback_fails(void **state)
{
	static const char *const c[] = {
		"{\"doc\":{\"elem\":[{\"name\":\"a.com\"}]}}",
		"{\"doc\":{\"elem\":{\"name\":\"a.com\"}}}",
	};
	struct rows	 rows;
	struct err	 err;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		memset(&rows, 0, sizeof(rows));
		rows.fail = 1;
		err_clear(&err);
		rc = panel_parse_list(c[i], strlen(c[i]), collect, &rows, &err);
		if (rc != -1 || !err_isset(&err)) {
			print_error("callback failure case %zu: input '%s': rc "
			    "%d, error '%s'\n", i, c[i], rc, err.msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_panel_value(void **state)
{
	static const char doc[] = "{\"a\":{\"$\":\"x\"},\"b\":\"y\",\"c\":5,"
	    "\"d\":{\"$\":null},\"e\":{\"$\":\"\"}}";
	struct json	*j;
	struct err	 err;

	err_clear(&err);
	assert_non_null(j = json_parse(doc, strlen(doc), &err));
	assert_string_equal(panel_value(j, "a"), "x");
	assert_string_equal(panel_value(j, "b"), "y");
	assert_null(panel_value(j, "c"));
	assert_null(panel_value(j, "d"));
	assert_string_equal(panel_value(j, "e"), "");
	assert_null(panel_value(j, "missing"));
	assert_null(panel_value(NULL, "a"));
	json_free(j);
}

static void
test_registrable_domain(void **state)
{
	static const struct {
		const char	*in, *out;	/* out NULL: none */
	} c[] = {
		{ "example.com", "example.com" },
		{ "shop.example.com", "example.com" },
		{ "a.b.c.shop.example.com", "example.com" },
		{ "example.co.uk", "example.co.uk" },
		{ "www.example.co.uk", "example.co.uk" },
		{ "alice.co.uk", "alice.co.uk" },
		{ "bob.org", "bob.org" },
		{ "example.com.", "example.com" },
		{ "WWW.Example.COM", "example.com" },
		{ "Shop.Example.Co.UK.", "example.co.uk" },
		{ "xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai" },
		{ "com", NULL },
		{ "com.", NULL },
		{ "co.uk", NULL },
		{ "uk", NULL },
		{ "a..b", NULL },
		{ "a..example.com", NULL },
		{ "", NULL },
		{ ".", NULL },
		{ "..", NULL },
		{ "-a.example.com", NULL },
		{ "a b.example.com", NULL },
		{ "*.example.com", NULL },
		{ "_dmarc.example.com", NULL },
		{ "пример.рф", NULL },
		{ "example.com/x", NULL },
	};
	char	*r, big[300];
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		r = registrable_domain(c[i].in);
		if ((r == NULL) != (c[i].out == NULL) ||
		    (r != NULL && strcmp(r, c[i].out) != 0)) {
			print_error("registrable_domain case %zu: input '%s': "
			    "'%s', expected '%s'\n", i, c[i].in,
			    r ? r : "(null)", c[i].out ? c[i].out : "(null)");
			bad++;
		}
		free(r);
	}
	/* Too long for a host name. */
	memset(big, 'a', sizeof(big) - 5);
	strcpy(big + sizeof(big) - 5, ".com");
	if ((r = registrable_domain(big)) != NULL) {
		print_error("registrable_domain took a %zu-byte name\n",
		    strlen(big));
		bad++;
		free(r);
	}
	assert_int_equal(bad, 0);
}

static void
test_domlist(void **state)
{
	static const struct {
		const char	*host, *owner;
	} add[] = {
		{ "shop.example.com", "alice" },
		{ "example.com", "bob" },		/* the same domain */
		{ "WWW.EXAMPLE.COM.", NULL },
		{ "www.example.co.uk", "alice" },
		{ "example.co.uk", "carol" },
		{ "com", "alice" },			/* a suffix: skipped */
		{ "bad..name", "alice" },		/* skipped */
		{ "bob.org", NULL },
	};
	struct domlist		 l;
	const struct domain	*d;
	size_t			 i;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < NELEM(add); i++)
		assert_int_equal(domlist_add(&l, add[i].host, add[i].owner), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "example.com");
	assert_string_equal(l.v[0].owner, "alice");	/* the first wins */
	assert_string_equal(l.v[1].name, "example.co.uk");
	assert_string_equal(l.v[1].owner, "alice");
	assert_string_equal(l.v[2].name, "bob.org");
	assert_null(l.v[2].owner);

	assert_non_null(d = domlist_find(&l, "example.co.uk"));
	assert_ptr_equal(d, &l.v[1]);
	assert_null(domlist_find(&l, "shop.example.com"));
	assert_null(domlist_find(&l, "EXAMPLE.COM"));
	assert_null(domlist_find(&l, "com"));
	assert_null(domlist_find(NULL, "example.com"));

	domlist_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	domlist_free(&l);	/* twice is harmless */
	domlist_free(NULL);
	assert_null(domlist_find(&l, "example.com"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_list_callback_fails),
		cmocka_unit_test(test_panel_value),
		cmocka_unit_test(test_registrable_domain),
		cmocka_unit_test(test_domlist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
