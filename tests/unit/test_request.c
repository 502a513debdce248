/*
 * Unit tests for src/request.c against the real function table: the
 * environment the panel sets, every parameter through its validator,
 * secrets scrubbed, the language chosen.
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
#include "fn.h"
#include "request.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define TOK40		"abcdefghijABCDEFGHIJ0123456789-_abcdefgh"
#define H32		"0123456789abcdef0123456789abcdef"
#define A65		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

extern char	**environ;

/* Forget everything a previous case set. */
static void
clear_env(void)
{
	char	*names[256], **e;
	size_t	 n = 0, i;

	for (e = environ; *e != NULL && n < NELEM(names); e++)
		if (strncmp(*e, "PARAM_", 6) == 0 ||
		    strncmp(*e, "AUTH_", 5) == 0 ||
		    strncmp(*e, "SESSION_LANG=", 13) == 0)
			names[n++] = strndup(*e, strcspn(*e, "="));
	for (i = 0; i < n; i++) {
		unsetenv(names[i]);
		free(names[i]);
	}
	setenv("LANG", "C", 1);
	cf_lang = LANG_EN;
}

/* Set "NAME=value" strings, up to a NULL. */
static void
set_env(const char *const *kv)
{
	char	 name[64];
	size_t	 n;

	for (; *kv != NULL; kv++) {
		n = strcspn(*kv, "=");
		assert_true(n < sizeof(name));
		memcpy(name, *kv, n);
		name[n] = '\0';
		assert_int_equal(setenv(name, *kv + n + 1, 1), 0);
	}
}

static int
parse(const char *const *kv, struct request *req, struct err *err)
{
	clear_env();
	set_env(kv);
	err_clear(err);
	return request_parse(req, err);
}

#define USER	"AUTH_USER=alice", "AUTH_LEVEL=16"

static void
test_table(void **state)
{
	static const struct {
		const char	*env[10];
		int		 rc;
		const char	*type, *object;
	} c[] = {
		/* The plain case. */
		{ { USER, "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, 0, NULL, NULL },
		{ { "AUTH_USER=root", "AUTH_LEVEL=29", "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, 0, NULL, NULL },
		/* Functions. */
		{ { USER, "PARAM_func=cloudflare.nothing" }, -1, "value",
		    "func" },
		{ { USER, "PARAM_func=Cloudflare.DNS" }, -1, "value", "func" },
		{ { USER, "PARAM_func=cloudflare.dns;ls" }, -1, "value", "func" },
		{ { USER, "PARAM_func=" }, -1, "value", "func" },
		{ { USER }, -1, "value", "func" },
		/* Who is asking. */
		{ { "AUTH_LEVEL=16", "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, -1, "access", "AUTH_USER" },
		{ { "AUTH_USER=", "AUTH_LEVEL=16", "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, -1, "access", "AUTH_USER" },
		{ { "AUTH_USER=../x", "AUTH_LEVEL=16",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "AUTH_USER" },
		{ { "AUTH_USER=.hidden", "AUTH_LEVEL=16",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "AUTH_USER" },
		{ { "AUTH_USER=" A65, "AUTH_LEVEL=16",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "AUTH_USER" },
		{ { "AUTH_USER=alice", "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, -1, "access", "" },
		{ { "AUTH_USER=alice", "AUTH_LEVEL=", "PARAM_func=cloudflare.dns",
		    "PARAM_plid=example.com" }, -1, "access", "" },
		{ { "AUTH_USER=alice", "AUTH_LEVEL=admin",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "" },
		{ { "AUTH_USER=alice", "AUTH_LEVEL=32",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "" },
		{ { "AUTH_USER=alice", "AUTH_LEVEL=-1",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "" },
		{ { "AUTH_USER=alice", "AUTH_LEVEL=16 ",
		    "PARAM_func=cloudflare.dns", "PARAM_plid=example.com" }, -1,
		    "access", "" },
		/* Required parameters. */
		{ { USER, "PARAM_func=cloudflare.dns" }, -1, "missed", "plid" },
		{ { USER, "PARAM_func=cloudflare.dns", "PARAM_plid=" }, -1,
		    "missed", "plid" },
		{ { USER, "PARAM_func=cloudflare.dns", "PARAM_plid=bad_name" },
		    -1, "value", "plid" },
		{ { USER, "PARAM_func=cloudflare.dns", "PARAM_plid=localhost" },
		    -1, "value", "plid" },
		/* A sublist may get its zone as elid. */
		{ { USER, "PARAM_func=cloudflare.dns", "PARAM_elid=example.com" },
		    0, NULL, NULL },
		{ { USER, "PARAM_func=cloudflare.dns", "PARAM_elid=bad_name" },
		    -1, "value", "plid" },
		/* Not a form that is not a sublist. */
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_elid=example.com" }, -1, "missed", "plid" },
		/* P_SUBMIT: needed only when the form is submitted. */
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com" }, 0, NULL, NULL },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sok=yes" }, 0, NULL, NULL },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sok=ok" }, -1, "missed",
		    "type" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sok=ok", "PARAM_type=A" },
		    -1, "missed", "content" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sok=ok", "PARAM_type=A",
		    "PARAM_content=" }, -1, "missed", "content" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sok=ok", "PARAM_type=a",
		    "PARAM_content=192.0.2.1" }, 0, NULL, NULL },
		/* Each optional parameter still passes its validator. */
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_ttl=59" }, -1, "value",
		    "ttl" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_elid=new" }, -1, "value",
		    "elid" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_elid=" H32,
		    "PARAM_proxied=yes" }, -1, "value", "proxied" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_type=PTR" }, -1, "value",
		    "type" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_name=a b" }, -1, "value",
		    "name" },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_content=a\nb" }, -1,
		    "value", "content" },
		/* Tokens. */
		{ { USER, "PARAM_func=cloudflare.profile",
		    "PARAM_api_token=" TOK40 }, 0, NULL, NULL },
		{ { USER, "PARAM_func=cloudflare.profile" }, 0, NULL, NULL },
		{ { USER, "PARAM_func=cloudflare.profile",
		    "PARAM_api_token=not a token" }, -1, "value", "api_token" },
		/* sv_field is one line of text. */
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sv_field=type" }, 0, NULL,
		    NULL },
		{ { USER, "PARAM_func=cloudflare.dns.edit",
		    "PARAM_plid=example.com", "PARAM_sv_field=a\nb" }, -1,
		    "value", "sv_field" },
	};
	struct request	 req;
	struct err	 err;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		rc = parse(c[i].env, &req, &err);
		if (rc != c[i].rc || (rc == -1 &&
		    (strcmp(err.type, c[i].type) != 0 ||
		    strcmp(err.object, c[i].object) != 0 ||
		    err.msg[0] == '\0')) || (rc == 0 && err_isset(&err))) {
			print_error("request case %zu (%s, %s, %s): rc %d type "
			    "'%s' object '%s' msg '%s'; expected rc %d type "
			    "'%s' object '%s'\n", i, c[i].env[0],
			    c[i].env[1] ? c[i].env[1] : "",
			    c[i].env[2] ? c[i].env[2] : "", rc, err.type,
			    err.object, err.msg, c[i].rc,
			    c[i].type ? c[i].type : "",
			    c[i].object ? c[i].object : "");
			bad++;
		}
		request_free(&req);
	}
	clear_env();
	assert_int_equal(bad, 0);
}

static void
test_values(void **state)
{
	static const char *const env[] = { "AUTH_USER=alice",
	    "AUTH_LEVEL=16", "PARAM_func=cloudflare.dns.edit",
	    "PARAM_plid=Example.COM.", "PARAM_elid=" H32, "PARAM_type=cname",
	    "PARAM_name=WWW", "PARAM_content=target.example.net",
	    "PARAM_proxied=on", "PARAM_sok=ok", "PARAM_evil=x",
	    "PARAM_comment=", NULL };
	struct request	 req;
	struct err	 err;

	assert_int_equal(parse(env, &req, &err), 0);
	assert_non_null(req.fn);
	assert_string_equal(req.fn->name, "cloudflare.dns.edit");
	assert_string_equal(req.user, "alice");
	assert_int_equal(req.level, 16);
	assert_true(req.submit);
	/* Validators normalise. */
	assert_string_equal(req_get(&req, "plid"), "example.com");
	assert_string_equal(req_get(&req, "type"), "CNAME");
	assert_string_equal(req_get(&req, "name"), "www");
	assert_string_equal(req_get(&req, "elid"), H32);
	/* Sent empty is present and empty; not sent is NULL. */
	assert_string_equal(req_get(&req, "comment"), "");
	assert_null(req_get(&req, "ttl"));
	assert_string_equal(req_str(&req, "ttl"), "");
	/* Undeclared parameters never reach the handler. */
	assert_null(req_get(&req, "evil"));
	assert_null(req_get(&req, "sok"));
	/* Checkboxes. */
	assert_int_equal(req_on(&req, "proxied", 0), 1);
	assert_int_equal(req_on(&req, "ttl", 1), 1);
	assert_int_equal(req_on(&req, "comment", 0), 0);
	request_free(&req);
	clear_env();
}

static void
test_parent_elid(void **state)
{
	static const char *const as_elid[] = { USER,
	    "PARAM_func=cloudflare.dns", "PARAM_elid=Example.com", NULL };
	static const char *const both[] = { USER,
	    "PARAM_func=cloudflare.dns", "PARAM_elid=other.org",
	    "PARAM_plid=example.com", NULL };
	struct request	 req;
	struct err	 err;

	assert_int_equal(parse(as_elid, &req, &err), 0);
	assert_string_equal(req_get(&req, "plid"), "example.com");
	request_free(&req);

	/* plid, when given, is the zone; elid is not a parameter here. */
	assert_int_equal(parse(both, &req, &err), 0);
	assert_string_equal(req_get(&req, "plid"), "example.com");
	assert_null(req_get(&req, "elid"));
	request_free(&req);
	clear_env();
}

static void
test_secret_scrubbed(void **state)
{
	static const char *const env[] = { USER,
	    "PARAM_func=cloudflare.profile", "PARAM_api_token=  " TOK40 "  ",
	    "PARAM_plid=example.com", NULL };
	static const char *const bad[] = { USER,
	    "PARAM_func=cloudflare.profile", "PARAM_api_token=" TOK40 "\"",
	    NULL };
	struct request	 req;
	struct err	 err;

	assert_int_equal(parse(env, &req, &err), 0);
	assert_string_equal(req_get(&req, "api_token"), TOK40);
	assert_null(getenv("PARAM_api_token"));
	/* Nothing else is scrubbed. */
	assert_string_equal(getenv("PARAM_func"), "cloudflare.profile");
	request_free(&req);
	assert_int_equal(req.np, 0);

	/* A refused token is scrubbed too, and not quoted back. */
	assert_int_equal(parse(bad, &req, &err), -1);
	assert_null(getenv("PARAM_api_token"));
	assert_null(strstr(err.msg, TOK40));
	request_free(&req);
	clear_env();
}

static void
test_lang(void **state)
{
	static const struct {
		const char	*env[5];
		const char	*lang;		/* LANG */
		enum lang	 want;
	} c[] = {
		{ { USER, "PARAM_func=cloudflare.nothing", "PARAM_lang=ru" },
		    "C", LANG_RU },
		{ { USER, "PARAM_func=cloudflare.nothing", "PARAM_lang=en" },
		    "C", LANG_EN },
		{ { USER, "PARAM_func=cloudflare.nothing", "PARAM_lang=en" },
		    "ru_RU.UTF-8", LANG_EN },
		{ { USER, "PARAM_func=cloudflare.nothing",
		    "SESSION_LANG=ru" }, "C", LANG_RU },
		{ { USER, "PARAM_func=cloudflare.nothing" }, "ru_RU.UTF-8",
		    LANG_RU },
		{ { USER, "PARAM_func=cloudflare.nothing" }, "C", LANG_EN },
		{ { USER, "PARAM_func=cloudflare.nothing", "PARAM_lang=" },
		    "C", LANG_EN },
		{ { USER, "PARAM_func=cloudflare.nothing", "PARAM_lang=de" },
		    "ru_RU.UTF-8", LANG_EN },
	};
	struct request	 req;
	struct err	 err;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		clear_env();
		set_env(c[i].env);
		setenv("LANG", c[i].lang, 1);
		err_clear(&err);
		assert_int_equal(request_parse(&req, &err), -1);
		if (cf_lang != c[i].want ||
		    (strstr(err.msg, "нет функции") != NULL) !=
		    (c[i].want == LANG_RU)) {
			print_error("lang case %zu (%s, LANG=%s): cf_lang %d, "
			    "msg '%s'\n", i, c[i].env[3] ? c[i].env[3] : "",
			    c[i].lang, cf_lang, err.msg);
			bad++;
		}
		request_free(&req);
	}
	clear_env();
	assert_int_equal(bad, 0);
}

static void
test_too_long(void **state)
{
	static const char *const env[] = { USER,
	    "PARAM_func=cloudflare.dns.edit", "PARAM_plid=example.com", NULL };
	struct request	 req;
	struct err	 err;
	size_t		 max = 512 * 1024;
	char		*big;

	assert_non_null(big = malloc(max + 2));
	memset(big, 'a', max + 1);
	big[max + 1] = '\0';

	clear_env();
	set_env(env);
	setenv("PARAM_content", big, 1);
	err_clear(&err);
	assert_int_equal(request_parse(&req, &err), -1);
	assert_string_equal(err.type, "value");
	assert_string_equal(err.object, "content");
	request_free(&req);

	/* A zone name that long, too. */
	clear_env();
	set_env(env);
	setenv("PARAM_plid", big, 1);
	err_clear(&err);
	assert_int_equal(request_parse(&req, &err), -1);
	assert_string_equal(err.type, "value");
	assert_string_equal(err.object, "plid");
	request_free(&req);

	/* The function name itself. */
	clear_env();
	set_env(env);
	setenv("PARAM_func", big, 1);
	err_clear(&err);
	assert_int_equal(request_parse(&req, &err), -1);
	assert_string_equal(err.object, "func");
	assert_true(strlen(err.msg) < 300);	/* not quoted back */
	request_free(&req);
	free(big);
	clear_env();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_parent_elid),
		cmocka_unit_test(test_secret_scrubbed),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
