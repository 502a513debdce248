/*
 * Unit tests for src/json.c: the parser and its depth bound, the
 * typed getters, and the builders.
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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* n opening brackets, a middle, n closing ones. */
static char *
nest(size_t n, const char *open, const char *mid, const char *close)
{
	size_t	 lo = strlen(open), lc = strlen(close), lm = strlen(mid), i;
	char	*s, *p;

	assert_non_null(s = malloc(n * (lo + lc) + lm + 1));
	for (p = s, i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void
test_parse(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
	} c[] = {
		{ "{}", 1 },
		{ "[]", 1 },
		{ "{\"a\":1}", 1 },
		{ " {\"a\": [1, 2, {\"b\": null}], \"c\": \"x\"} ", 1 },
		{ "\"just a string\"", 1 },
		{ "42", 1 },
		{ "null", 1 },
		{ "true", 1 },
		{ "{\"u\":\"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442\"}", 1 },
		{ "{\"q\":\"a \\\"quoted\\\" [word]\"}", 1 },
		{ "{", 0 },
		{ "}", 0 },
		{ "[1, 2", 0 },
		{ "{\"a\":}", 0 },
		{ "{\"a\" 1}", 0 },
		{ "{a:1}", 0 },
		{ "{'a':1}", 0 },
		{ "nul", 0 },
		{ "tru", 0 },
		{ "\"unterminated", 0 },
		{ "<html><body>502 Bad Gateway</body></html>", 0 },
		{ " ", 0 },
		{ "{\"a\":1}{\"b\":2}", 0 },		/* two documents */
		{ "{\"a\":1} trailing", 0 },
	};
	struct json	*j;
	struct err	 err;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		err_clear(&err);
		j = json_parse(c[i].in, strlen(c[i].in), &err);
		if ((j != NULL) != c[i].ok || (j == NULL && !err_isset(&err))) {
			print_error("json_parse case %zu: input '%s': %s, "
			    "expected %s\n", i, c[i].in, j ? "parsed" :
			    "refused", c[i].ok ? "parsed" : "refused");
			bad++;
		}
		json_free(j);
	}
	assert_int_equal(bad, 0);
}

static void
test_parse_empty(void **state)
{
	struct err	 err;

	err_clear(&err);
	assert_null(json_parse(NULL, 0, &err));
	assert_true(err_isset(&err));
	err_clear(&err);
	assert_null(json_parse("", 0, &err));
	assert_true(err_isset(&err));
	/* The length bounds what is read, not the NUL. */
	err_clear(&err);
	assert_null(json_parse("{}", 0, &err));
	assert_true(err_isset(&err));
	err_clear(&err);
	assert_null(json_parse("{\"a\":1}", 3, &err));
	assert_true(err_isset(&err));
	json_free(NULL);	/* NULL-tolerant */
}

static void
test_depth(void **state)
{
	static const struct {
		size_t		 n;
		const char	*open, *mid, *close;
		int		 ok;
	} c[] = {
		{ JSON_MAX_DEPTH, "[", "1", "]", 1 },
		{ JSON_MAX_DEPTH + 1, "[", "1", "]", 0 },
		{ JSON_MAX_DEPTH, "{\"a\":", "1", "}", 1 },
		{ JSON_MAX_DEPTH + 1, "{\"a\":", "1", "}", 0 },
		{ JSON_MAX_DEPTH - 1, "[", "{}", "]", 1 },
		{ JSON_MAX_DEPTH, "[", "{}", "]", 0 },
		{ 1000, "[", "", "]", 0 },
		/* Brackets inside strings do not count. */
		{ 1, "[", "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[[[[[[[[[[[[[[[[[[\"", "]", 1 },
		{ 1, "{\"k\":", "\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"
		    "{{{{{{{{{{{{{{{{{{{{\"", "}", 1 },
		/* Nor after an escaped quote, which does not end the string. */
		{ 1, "[", "\"\\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[[[[[[[[[[[[[[[[[[\\\"\"", "]", 1 },
		/* An escaped backslash does end it: real nesting follows. */
		{ JSON_MAX_DEPTH, "[\"\\\\\",", "1", "]", 1 },
		{ JSON_MAX_DEPTH + 1, "[\"\\\\\",", "1", "]", 0 },
		/* Closing brackets in strings do not lower the count. */
		{ JSON_MAX_DEPTH + 1, "[\"]]]]\",", "1", "]", 0 },
	};
	struct json	*j;
	struct err	 err;
	char		*s;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		s = nest(c[i].n, c[i].open, c[i].mid, c[i].close);
		err_clear(&err);
		j = json_parse(s, strlen(s), &err);
		if ((j != NULL) != c[i].ok) {
			print_error("depth case %zu: %zu x '%s' '%s' '%s': %s, "
			    "expected %s (%s)\n", i, c[i].n, c[i].open,
			    c[i].mid, c[i].close, j ? "parsed" : "refused",
			    c[i].ok ? "parsed" : "refused", err.msg);
			bad++;
		}
		json_free(j);
		free(s);
	}
	assert_int_equal(bad, 0);
}

static const char doc[] =
    "{\"s\":\"text\",\"e\":\"\",\"i\":5,\"neg\":-3,\"zero\":0,"
    "\"f\":1.5,\"big\":1e300,\"max\":9007199254740992,"
    "\"over\":18014398509481984,\"numstr\":\"5\","
    "\"t\":true,\"fa\":false,\"n\":null,\"a\":[1,\"two\",null],"
    "\"o\":{\"x\":{\"y\":\"deep\"}}}";

enum kind { K_STR, K_INT, K_BOOL, K_STR_OPT, K_INT_OPT, K_BOOL_OPT };

static void
test_getters(void **state)
{
	static const struct {
		enum kind	 k;
		const char	*key;
		int		 rc;
		const char	*s;	/* expected string */
		long long	 i;	/* expected int or bool */
	} c[] = {
		{ K_STR, "s", 0, "text", 0 },
		{ K_STR, "e", 0, "", 0 },
		{ K_STR, "i", -1, NULL, 0 },
		{ K_STR, "t", -1, NULL, 0 },
		{ K_STR, "n", -1, NULL, 0 },
		{ K_STR, "a", -1, NULL, 0 },
		{ K_STR, "o", -1, NULL, 0 },
		{ K_STR, "missing", -1, NULL, 0 },
		{ K_STR, "S", -1, NULL, 0 },		/* case-sensitive */
		{ K_INT, "i", 0, NULL, 5 },
		{ K_INT, "neg", 0, NULL, -3 },
		{ K_INT, "zero", 0, NULL, 0 },
		{ K_INT, "max", 0, NULL, 9007199254740992LL },
		{ K_INT, "over", -1, NULL, 0 },
		{ K_INT, "f", -1, NULL, 0 },
		{ K_INT, "big", -1, NULL, 0 },
		{ K_INT, "numstr", -1, NULL, 0 },
		{ K_INT, "t", -1, NULL, 0 },
		{ K_INT, "n", -1, NULL, 0 },
		{ K_INT, "missing", -1, NULL, 0 },
		{ K_BOOL, "t", 0, NULL, 1 },
		{ K_BOOL, "fa", 0, NULL, 0 },
		{ K_BOOL, "i", -1, NULL, 0 },
		{ K_BOOL, "zero", -1, NULL, 0 },
		{ K_BOOL, "s", -1, NULL, 0 },
		{ K_BOOL, "n", -1, NULL, 0 },
		{ K_BOOL, "missing", -1, NULL, 0 },
		{ K_STR_OPT, "s", 0, "text", 0 },
		{ K_STR_OPT, "n", 0, "DEF", 0 },
		{ K_STR_OPT, "missing", 0, "DEF", 0 },
		{ K_STR_OPT, "i", -1, NULL, 0 },
		{ K_INT_OPT, "i", 0, NULL, 5 },
		{ K_INT_OPT, "n", 0, NULL, 77 },
		{ K_INT_OPT, "missing", 0, NULL, 77 },
		{ K_INT_OPT, "f", -1, NULL, 0 },
		{ K_INT_OPT, "s", -1, NULL, 0 },
		{ K_BOOL_OPT, "fa", 0, NULL, 0 },
		{ K_BOOL_OPT, "n", 0, NULL, 1 },
		{ K_BOOL_OPT, "missing", 0, NULL, 1 },
		{ K_BOOL_OPT, "s", -1, NULL, 0 },
	};
	struct json	*j;
	struct err	 err;
	const char	*s;
	long long	 v;
	size_t		 i;
	int		 b, rc = 0, bad = 0, ok;

	err_clear(&err);
	assert_non_null(j = json_parse(doc, strlen(doc), &err));
	for (i = 0; i < NELEM(c); i++) {
		s = NULL;
		v = -999;
		b = -999;
		switch (c[i].k) {
		case K_STR:
			rc = json_str(j, c[i].key, &s);
			break;
		case K_INT:
			rc = json_int(j, c[i].key, &v);
			break;
		case K_BOOL:
			rc = json_bool(j, c[i].key, &b);
			break;
		case K_STR_OPT:
			rc = json_str_opt(j, c[i].key, &s, "DEF");
			break;
		case K_INT_OPT:
			rc = json_int_opt(j, c[i].key, &v, 77);
			break;
		case K_BOOL_OPT:
			rc = json_bool_opt(j, c[i].key, &b, 1);
			break;
		}
		ok = rc == c[i].rc;
		if (ok && rc == 0) {
			if (c[i].k == K_STR || c[i].k == K_STR_OPT)
				ok = s != NULL && strcmp(s, c[i].s) == 0;
			else if (c[i].k == K_INT || c[i].k == K_INT_OPT)
				ok = v == c[i].i;
			else
				ok = b == c[i].i;
		}
		if (!ok) {
			print_error("getter case %zu: kind %d key '%s': rc %d, "
			    "expected %d\n", i, c[i].k, c[i].key, rc, c[i].rc);
			bad++;
		}
	}
	/* A NULL or non-object node has no members. */
	if (json_str(NULL, "s", &s) != -1 || json_int(NULL, "i", &v) != -1 ||
	    json_bool(NULL, "t", &b) != -1 ||
	    json_str(json_get(j, "a"), "s", &s) != -1 ||
	    json_get(json_get(j, "s"), "x") != NULL) {
		print_error("getters on NULL or non-objects\n");
		bad++;
	}
	json_free(j);
	assert_int_equal(bad, 0);
}

static void
test_nodes(void **state)
{
	struct json		*j;
	const struct json	*a, *o;
	struct err		 err;
	const char		*s;
	long long		 v;
	int			 b;

	err_clear(&err);
	assert_non_null(j = json_parse(doc, strlen(doc), &err));
	assert_true(json_is_obj(j));
	assert_non_null(a = json_get(j, "a"));
	assert_true(json_is_arr(a));
	assert_int_equal(json_count(a), 3);
	assert_int_equal(json_as_int(json_at(a, 0), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(json_as_str(json_at(a, 1), &s), 0);
	assert_string_equal(s, "two");
	assert_true(json_is_null(json_at(a, 2)));
	assert_null(json_at(a, 3));
	assert_null(json_at(a, (size_t)-1));
	assert_int_equal(json_as_str(json_at(a, 0), &s), -1);
	assert_int_equal(json_as_bool(json_at(a, 0), &b), -1);
	assert_int_equal(json_as_int(NULL, &v), -1);

	/* Objects count and index their members, which know their keys. */
	assert_int_equal(json_count(j), 15);
	assert_string_equal(json_key(json_at(j, 0)), "s");
	assert_null(json_key(NULL));
	assert_int_equal(json_count(json_get(j, "s")), 0);
	assert_int_equal(json_count(NULL), 0);
	assert_null(json_at(json_get(j, "s"), 0));

	assert_true(json_is_str(json_get(j, "s")));
	assert_true(json_is_num(json_get(j, "f")));
	assert_true(json_is_bool(json_get(j, "fa")));
	assert_false(json_is_str(json_get(j, "i")));
	assert_false(json_is_obj(NULL));

	/* Paths. */
	assert_non_null(o = json_path(j, "o.x.y"));
	assert_int_equal(json_as_str(o, &s), 0);
	assert_string_equal(s, "deep");
	assert_null(json_path(j, "o.z.y"));
	assert_null(json_path(j, "s.x"));
	assert_null(json_path(NULL, "o"));
	assert_ptr_equal(json_path(j, ""), j);
	json_free(j);
}

static void
test_build(void **state)
{
	static const char want[] = "{\"name\":\"www\",\"ttl\":3600,"
	    "\"proxied\":true,\"comment\":null,\"neg\":-42,"
	    "\"tags\":[\"a\",\"b\"]}";
	struct json	*o, *arr, *back;
	struct err	 err;
	char		*text;
	const char	*s;
	long long	 v;
	int		 b;

	assert_non_null(o = json_new_obj());
	assert_int_equal(json_set_str(o, "name", "www"), 0);
	assert_int_equal(json_set_int(o, "ttl", 3600), 0);
	assert_int_equal(json_set_bool(o, "proxied", 7), 0);
	assert_int_equal(json_set_null(o, "comment"), 0);
	assert_int_equal(json_set_int(o, "neg", -42), 0);
	assert_non_null(arr = json_new_arr());
	assert_int_equal(json_push_str(arr, "a"), 0);
	assert_int_equal(json_push(arr, json_new_str("b")), 0);
	assert_int_equal(json_set(o, "tags", arr), 0);
	assert_non_null(text = json_print(o));
	assert_string_equal(text, want);

	/* The round trip gives the same values back. */
	err_clear(&err);
	assert_non_null(back = json_parse(text, strlen(text), &err));
	assert_int_equal(json_str(back, "name", &s), 0);
	assert_string_equal(s, "www");
	assert_int_equal(json_int(back, "ttl", &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(json_bool(back, "proxied", &b), 0);
	assert_int_equal(b, 1);
	assert_true(json_is_null(json_get(back, "comment")));
	assert_int_equal(json_count(json_get(back, "tags")), 2);
	free(text);
	json_free(back);

	/* json_dup is deep and independent. */
	assert_non_null(back = json_dup(o));
	assert_int_equal(json_set_str(back, "name", "other"), 0);
	assert_int_equal(json_str(o, "name", &s), 0);
	assert_string_equal(s, "www");
	json_free(back);
	assert_null(json_dup(NULL));
	assert_null(json_print(NULL));
	json_free(o);
}

/* Text that needs escaping survives printing and parsing unchanged. */
static void
test_escape_round_trip(void **state)
{
	static const char *const c[] = {
		"plain",
		"",
		"quote \" backslash \\ slash /",
		"line\nfeed\ttab\rcr",
		"\x01\x1f control",
		"Привет, мир",
		"emoji \xf0\x9f\x98\x80",
		"</script><!--",
		"{\"looks\":[\"like json\"]}",
	};
	struct json	*o, *back;
	struct err	 err;
	char		*text;
	const char	*s;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		assert_non_null(o = json_new_obj());
		assert_int_equal(json_set_str(o, "v", c[i]), 0);
		assert_non_null(text = json_print(o));
		err_clear(&err);
		back = json_parse(text, strlen(text), &err);
		if (back == NULL || json_str(back, "v", &s) == -1 ||
		    strcmp(s, c[i]) != 0 || strchr(text, '\n') != NULL) {
			print_error("round trip case %zu: '%s' printed as "
			    "'%s'\n", i, c[i], text);
			bad++;
		}
		json_free(back);
		json_free(o);
		free(text);
	}
	assert_int_equal(bad, 0);
}

static void
test_set_replace_del(void **state)
{
	struct json	*o, *arr, *d;
	char		*text;
	long long	 v;

	assert_non_null(o = json_new_obj());
	assert_int_equal(json_set_str(o, "a", "1"), 0);
	assert_int_equal(json_set_str(o, "b", "2"), 0);
	assert_int_equal(json_set_str(o, "c", "3"), 0);

	/* Replacing keeps one member, in its place, with the new type. */
	assert_int_equal(json_set_int(o, "b", 20), 0);
	assert_int_equal(json_set_str(o, "a", "one"), 0);
	assert_int_equal(json_count(o), 3);
	assert_non_null(text = json_print(o));
	assert_string_equal(text, "{\"a\":\"one\",\"b\":20,\"c\":\"3\"}");
	free(text);
	assert_int_equal(json_int(o, "b", &v), 0);
	assert_int_equal(v, 20);

	/* Deleting a member, a missing one, from a non-object. */
	assert_int_equal(json_del(o, "b"), 0);
	assert_int_equal(json_del(o, "nothere"), 0);
	assert_null(json_get(o, "b"));
	assert_non_null(text = json_print(o));
	assert_string_equal(text, "{\"a\":\"one\",\"c\":\"3\"}");
	free(text);
	assert_int_equal(json_del(NULL, "a"), -1);

	/* Setters on what is not an object fail and take the child. */
	assert_non_null(arr = json_new_arr());
	assert_int_equal(json_set_str(arr, "x", "y"), -1);
	assert_int_equal(json_set(NULL, "x", json_new_str("y")), -1);
	assert_int_equal(json_set(o, "x", NULL), -1);
	assert_int_equal(json_del(arr, "x"), -1);
	assert_int_equal(json_push_str(o, "not an array"), -1);
	assert_int_equal(json_push(arr, NULL), -1);
	assert_int_equal(json_count(arr), 0);

	/* An object nested by json_set is replaced whole. */
	assert_non_null(d = json_new_obj());
	assert_int_equal(json_set_int(d, "k", 1), 0);
	assert_int_equal(json_set(o, "c", d), 0);
	assert_non_null(text = json_print(o));
	assert_string_equal(text, "{\"a\":\"one\",\"c\":{\"k\":1}}");
	free(text);
	json_free(arr);
	json_free(o);
}

static void
test_detach(void **state)
{
	struct json	*arr, *o, *d;
	struct err	 err;
	char		*text;
	long long	 v;
	static const char src[] = "[10,20,30]";

	err_clear(&err);
	assert_non_null(arr = json_parse(src, strlen(src), &err));
	assert_non_null(d = json_detach_at(arr, 1));
	assert_int_equal(json_as_int(d, &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(json_count(arr), 2);
	assert_non_null(text = json_print(arr));
	assert_string_equal(text, "[10,30]");
	free(text);

	/* The detached node is ours: it can go into another document. */
	assert_non_null(o = json_new_obj());
	assert_int_equal(json_set(o, "moved", d), 0);
	assert_non_null(text = json_print(o));
	assert_string_equal(text, "{\"moved\":20}");
	free(text);

	assert_null(json_detach_at(arr, 2));
	assert_null(json_detach_at(arr, (size_t)-1));
	assert_null(json_detach_at(o, 0));		/* not an array */
	assert_null(json_detach_at(NULL, 0));
	assert_non_null(d = json_detach_at(arr, 0));
	json_free(d);
	assert_non_null(d = json_detach_at(arr, 0));
	json_free(d);
	assert_int_equal(json_count(arr), 0);
	assert_null(json_detach_at(arr, 0));
	json_free(arr);
	json_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_escape_round_trip),
		cmocka_unit_test(test_set_replace_del),
		cmocka_unit_test(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
