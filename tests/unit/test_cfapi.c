/*
 * Unit tests for the parts of src/cfapi.c that need no network: the
 * v4 envelope and Cloudflare's errors (cf_parse_reply), the page
 * count, and building paths and queries.
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
#include "cfapi.h"
#include "json.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define H32		"0123456789abcdef0123456789abcdef"
#define S64		H32 H32

/* An error envelope with one error. */
#define FAIL(code, msg)	"{\"success\":false,\"errors\":[{\"code\":" #code \
			",\"message\":\"" msg "\"}],\"messages\":[],\"result\":null}"
#define OK(result)	"{\"success\":true,\"errors\":[],\"messages\":[]," \
			"\"result\":" result "}"
#define OKINFO(info)	"{\"success\":true,\"errors\":[],\"messages\":[]," \
			"\"result\":[{\"id\":\"a\"},{\"id\":\"b\"}]," \
			"\"result_info\":" info "}"

static const char html[] =
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>";

struct ecase {
	const char	*body;
	long		 status;
	enum perm	 perm;
	long		 retry_after;
	int		 flags;		/* F_RAW, F_NOTFOUND_OK */
	int		 rc;
	const char	*type, *object;	/* on failure */
	const char	*has1, *has2;	/* substrings of the message */
	int		 code;		/* r.code expected */
};

#define F_RAW		1
#define F_NOTFOUND_OK	2

static const struct ecase ecases[] = {
	/* Success. */
	{ OK("{\"id\":\"" H32 "\"}"), 200, PERM_DNS_READ, 0, 0, 0, NULL,
	    NULL, NULL, NULL, 0 },
	{ OK("[]"), 200, PERM_DNS_READ, 0, 0, 0, NULL, NULL, NULL, NULL, 0 },
	{ OK("null"), 200, PERM_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, 0 },
	{ "{\"success\":true}", 200, PERM_NONE, 0, 0, 0, NULL, NULL, NULL,
	    NULL, 0 },
	/* Known error codes. */
	{ FAIL(1061, "example.com already exists"), 400, PERM_ZONE_EDIT, 0, 0,
	    -1, "exists", "name", "already on Cloudflare", NULL, 1061 },
	/* success:false decides, whatever the status says. */
	{ FAIL(1061, "example.com already exists"), 200, PERM_ZONE_EDIT, 0, 0,
	    -1, "exists", "name", "already on Cloudflare", NULL, 1061 },
	{ FAIL(81057, "Record already exists."), 400, PERM_DNS_EDIT, 0, 0,
	    -1, "exists", "content", "identical record", NULL, 81057 },
	{ FAIL(81058, "A record with the same settings already exists."), 400,
	    PERM_DNS_EDIT, 0, 0, -1, "exists", "content", "identical record",
	    NULL, 81058 },
	{ FAIL(81053, "An A, AAAA, or CNAME record with that host already "
	    "exists."), 400, PERM_DNS_EDIT, 0, 0, -1, "exists", "name",
	    "CNAME", NULL, 81053 },
	{ FAIL(10000, "Authentication error"), 403, PERM_DNS_EDIT, 0, 0, -1,
	    "access", "", "Zone · Zone DNS · Edit", "Authentication error",
	    10000 },
	{ FAIL(10000, "Authentication error"), 403, PERM_PURGE, 0, 0, -1,
	    "access", "", "Zone · Cache Purge · Purge", NULL, 10000 },
	{ FAIL(10000, "Authentication error"), 403, PERM_ACCOUNT_FW_READ, 0,
	    0, -1, "access", "", "Account · Account Firewall Access Rules · "
	    "Read", NULL, 10000 },
	{ FAIL(9109, "Unauthorized to access requested resource"), 403,
	    PERM_SETTINGS_EDIT, 0, 0, -1, "access", "",
	    "Zone · Zone Settings · Edit", NULL, 9109 },
	/* A refusal with no permission to name says what Cloudflare said. */
	{ FAIL(10000, "Authentication error"), 403, PERM_NONE, 0, 0, -1,
	    "access", "", "Authentication error", NULL, 10000 },
	{ FAIL(1000, "Invalid API Token"), 400, PERM_DNS_READ, 0, 0, -1,
	    "auth", "", "did not accept the API token", "Invalid API Token",
	    1000 },
	{ FAIL(6003, "Invalid request headers"), 400, PERM_DNS_READ, 0, 0, -1,
	    "auth", "", "did not accept the API token", NULL, 6003 },
	{ FAIL(0, "whatever"), 401, PERM_DNS_READ, 0, 0, -1, "auth", "",
	    "did not accept the API token", NULL, 0 },
	{ "{\"success\":false,\"errors\":[],\"messages\":[]}", 401,
	    PERM_DNS_READ, 0, 0, -1, "auth", "", "no details", NULL, 0 },
	/* The rate limit, with the wait Cloudflare asked for. */
	{ FAIL(971, "Please wait and consider throttling your request "
	    "speed"), 429, PERM_DNS_READ, 42, 0, -1, "ratelimit", "", "42 s",
	    NULL, 971 },
	{ FAIL(10100, "More than 1200 requests per 300 seconds reached."),
	    429, PERM_DNS_READ, 7, 0, -1, "ratelimit", "", "7 s", NULL,
	    10100 },
	{ FAIL(971, "throttled"), 429, PERM_DNS_READ, 0, 0, -1, "ratelimit",
	    "", "300 s", NULL, 971 },
	{ "Too many requests", 429, PERM_DNS_READ, 60, 0, -1, "ratelimit",
	    "", "60 s", NULL, 10100 },
	/* Objects that are gone. */
	{ FAIL(7003, "Could not route to /zones/x, perhaps your object "
	    "identifier is invalid?"), 400, PERM_DNS_READ, 0, 0, -1, "missed",
	    "", "does not know this object", "Could not route", 7003 },
	{ FAIL(7000, "No route for that URI"), 400, PERM_DNS_READ, 0, 0, -1,
	    "missed", "", "does not know", NULL, 7000 },
	{ FAIL(81044, "Record does not exist."), 404, PERM_DNS_EDIT, 0, 0,
	    -1, "missed", "", "does not know", NULL, 81044 },
	{ FAIL(1003, "Invalid or missing zone id."), 400, PERM_DNS_EDIT, 0,
	    0, -1, "missed", "", "does not know", NULL, 1003 },
	{ FAIL(1234, "Not found"), 404, PERM_DNS_EDIT, 0, 0, -1, "missed",
	    "", "does not know", NULL, 1234 },
	/* A 404 that the caller expects is an answer. */
	{ FAIL(1234, "Not found"), 404, PERM_DNS_EDIT, 0, F_NOTFOUND_OK, 0,
	    NULL, NULL, NULL, NULL, 1234 },
	/* Codes we do not know: Cloudflare's words and the code. */
	{ FAIL(77777, "Something unusual happened"), 400, PERM_DNS_EDIT, 0,
	    0, -1, "cloudflare", "", "Something unusual happened", "77777",
	    77777 },
	{ FAIL(77777, ""), 400, PERM_DNS_EDIT, 0, 0, -1, "cloudflare", "",
	    "no details", "77777", 77777 },
	{ "{\"success\":false,\"errors\":[],\"messages\":[]}", 400,
	    PERM_DNS_EDIT, 0, 0, -1, "cloudflare", "", "HTTP 400", NULL, 0 },
	{ "{\"success\":false,\"errors\":[{\"code\":\"1061\",\"message\":"
	    "\"x\"}]}", 400, PERM_DNS_EDIT, 0, 0, -1, "cloudflare", "",
	    "HTTP 400", NULL, 0 },
	{ "{\"success\":false,\"errors\":[{\"code\":-5,\"message\":7}]}", 400,
	    PERM_DNS_EDIT, 0, 0, -1, "cloudflare", "", "no details", NULL, 0 },
	/* success:true is not enough when the status says otherwise. */
	{ OK("{}"), 500, PERM_DNS_EDIT, 0, 0, -1, "cloudflare", "", "HTTP 500",
	    NULL, 0 },
	/* Not the envelope at all. */
	{ html, 502, PERM_DNS_READ, 0, 0, -1, "cloudflare", "", "trouble",
	    "502", 0 },
	{ html, 503, PERM_DNS_READ, 0, 0, -1, "cloudflare", "", "trouble",
	    NULL, 0 },
	{ html, 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "", "cannot read",
	    "HTTP 200", 0 },
	{ "", 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "", "cannot read",
	    "empty", 0 },
	{ "[1,2]", 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "",
	    "cannot read", NULL, 0 },
	{ "{\"result\":[]}", 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "",
	    "cannot read", NULL, 0 },
	{ "{\"success\":\"true\"}", 200, PERM_DNS_READ, 0, 0, -1, "cloudflare",
	    "", "cannot read", NULL, 0 },
	{ "{\"success\":true", 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "",
	    "cannot read", NULL, 0 },
	/* Raw mode keeps a text reply, but not an error. */
	{ "example.com.\t300\tIN\tA\t192.0.2.1\n", 200, PERM_DNS_READ, 0,
	    F_RAW, 0, NULL, NULL, NULL, NULL, 0 },
	{ OK("{\"recs_added\":2}"), 200, PERM_DNS_EDIT, 0, F_RAW, 0, NULL,
	    NULL, NULL, NULL, 0 },
	{ FAIL(1004, "DNS Validation Error"), 400, PERM_DNS_EDIT, 0, F_RAW,
	    -1, "cloudflare", "", "DNS Validation Error", "1004", 1004 },
	{ html, 502, PERM_DNS_READ, 0, F_RAW, -1, "cloudflare", "", "trouble",
	    NULL, 0 },
	/* The page count: malformed ones are refused. */
	{ OKINFO("{\"page\":\"1\",\"per_page\":20}"), 200, PERM_DNS_READ, 0,
	    0, -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":-1,\"per_page\":20}"), 200, PERM_DNS_READ, 0, 0,
	    -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1,\"per_page\":-20}"), 200, PERM_DNS_READ, 0, 0,
	    -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1,\"total_pages\":-3}"), 200, PERM_DNS_READ, 0, 0,
	    -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1,\"total_count\":-1}"), 200, PERM_DNS_READ, 0, 0,
	    -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1.5}"), 200, PERM_DNS_READ, 0, 0, -1,
	    "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1,\"total_pages\":1e300}"), 200, PERM_DNS_READ,
	    0, 0, -1, "cloudflare", "", "malformed page count", NULL, 0 },
	{ OKINFO("{\"page\":1,\"total_count\":1000000000}"), 200,
	    PERM_DNS_READ, 0, 0, -1, "cloudflare", "", "malformed page count",
	    NULL, 0 },
	{ OKINFO("[1]"), 200, PERM_DNS_READ, 0, 0, -1, "cloudflare", "",
	    "malformed page count", NULL, 0 },
	{ OKINFO("\"page 1\""), 200, PERM_DNS_READ, 0, 0, -1, "cloudflare",
	    "", "malformed page count", NULL, 0 },
};

static void
test_envelope(void **state)
{
	struct cf_req	 r;
	const struct ecase *c;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(ecases); i++) {
		c = &ecases[i];
		cf_req_init(&r, "GET", c->perm);
		r.status = c->status;
		r.retry_after = c->retry_after;
		r.raw = (c->flags & F_RAW) != 0;
		r.notfound_ok = (c->flags & F_NOTFOUND_OK) != 0;
		rc = cf_parse_reply(&r, c->body, strlen(c->body));
		if (rc != c->rc || r.code != c->code ||
		    (rc == -1 && (!r.failed ||
		    strcmp(r.err.type, c->type) != 0 ||
		    strcmp(r.err.object, c->object) != 0 ||
		    (c->has1 && strstr(r.err.msg, c->has1) == NULL) ||
		    (c->has2 && strstr(r.err.msg, c->has2) == NULL))) ||
		    (rc == 0 && (r.failed || err_isset(&r.err)))) {
			print_error("envelope case %zu: HTTP %ld body '%.120s': "
			    "rc %d code %d type '%s' object '%s' msg '%s'; "
			    "expected rc %d code %d type '%s' object '%s' "
			    "with '%s' '%s'\n", i, c->status, c->body, rc,
			    r.code, r.err.type, r.err.object, r.err.msg, c->rc,
			    c->code, c->type ? c->type : "",
			    c->object ? c->object : "", c->has1 ? c->has1 : "",
			    c->has2 ? c->has2 : "");
			bad++;
		}
		cf_req_clean(&r);
		cf_req_clean(&r);	/* twice is harmless */
	}
	assert_int_equal(bad, 0);
}

static void
test_result_and_info(void **state)
{
	static const struct {
		const char	*body;
		int		 present;
		long		 page, per_page, count, total_count, total_pages;
	} c[] = {
		{ OKINFO("{\"page\":1,\"per_page\":2,\"count\":2,"
		    "\"total_count\":5,\"total_pages\":3}"), 1, 1, 2, 2, 5, 3 },
		/* total_pages derived when absent, or null. */
		{ OKINFO("{\"page\":2,\"per_page\":20,\"count\":20,"
		    "\"total_count\":45}"), 1, 2, 20, 20, 45, 3 },
		{ OKINFO("{\"page\":1,\"per_page\":20,\"count\":20,"
		    "\"total_count\":40,\"total_pages\":null}"), 1, 1, 20, 20,
		    40, 2 },
		{ OKINFO("{\"page\":1,\"per_page\":20,\"count\":0,"
		    "\"total_count\":0}"), 1, 1, 20, 0, 0, 0 },
		{ OKINFO("{\"page\":1,\"per_page\":100,\"count\":1,"
		    "\"total_count\":1}"), 1, 1, 100, 1, 1, 1 },
		/* No per_page: nothing to derive from. */
		{ OKINFO("{\"total_count\":45}"), 1, 1, 0, 0, 45, 0 },
		{ OKINFO("{}"), 1, 1, 0, 0, 0, 0 },
		{ OKINFO("null"), 0, 0, 0, 0, 0, 0 },
		{ OK("[{\"id\":\"a\"},{\"id\":\"b\"}]"), 0, 0, 0, 0, 0, 0 },
	};
	struct cf_req	 r;
	const char	*s;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		cf_req_init(&r, "GET", PERM_DNS_READ);
		r.status = 200;
		if (cf_parse_reply(&r, c[i].body, strlen(c[i].body)) != 0 ||
		    !json_is_arr(r.result) || json_count(r.result) != 2 ||
		    json_str(json_at(r.result, 1), "id", &s) != 0 ||
		    strcmp(s, "b") != 0 ||
		    r.info.present != c[i].present ||
		    r.info.page != c[i].page ||
		    r.info.per_page != c[i].per_page ||
		    r.info.count != c[i].count ||
		    r.info.total_count != c[i].total_count ||
		    r.info.total_pages != c[i].total_pages) {
			print_error("result_info case %zu: body '%s': present "
			    "%d page %ld per_page %ld count %ld total_count %ld "
			    "total_pages %ld (%s)\n", i, c[i].body,
			    r.info.present, r.info.page, r.info.per_page,
			    r.info.count, r.info.total_count,
			    r.info.total_pages, r.err.msg);
			bad++;
		}
		cf_req_clean(&r);
		assert_null(r.root);
		assert_null(r.result);
	}
	assert_int_equal(bad, 0);
}

static void
test_raw_text(void **state)
{
	static const char zone[] = "example.com.\t300\tIN\tA\t192.0.2.1\n";
	struct cf_req	 r;

	cf_req_init(&r, "GET", PERM_DNS_READ);
	r.raw = 1;
	r.status = 200;
	assert_int_equal(cf_parse_reply(&r, zone, strlen(zone)), 0);
	assert_non_null(r.text);
	assert_int_equal(r.textlen, strlen(zone));
	assert_string_equal(r.text, zone);
	assert_null(r.root);
	cf_req_clean(&r);
	assert_null(r.text);
	assert_int_equal(r.textlen, 0);

	/* An empty export is an empty text, not an error. */
	cf_req_init(&r, "GET", PERM_DNS_READ);
	r.raw = 1;
	r.status = 200;
	assert_int_equal(cf_parse_reply(&r, "", 0), 0);
	assert_non_null(r.text);
	assert_int_equal(r.textlen, 0);
	cf_req_clean(&r);

	/* Without raw, the same text is an unreadable reply. */
	cf_req_init(&r, "GET", PERM_DNS_READ);
	r.status = 200;
	assert_int_equal(cf_parse_reply(&r, zone, strlen(zone)), -1);
	assert_null(r.text);
	cf_req_clean(&r);
}

/* Cloudflare's text is clipped, and the message follows the language. */
static void
test_messages(void **state)
{
	char		 body[2048], said[1200];
	struct cf_req	 r;

	memset(said, 'x', 1000);
	said[1000] = '\0';
	snprintf(body, sizeof(body), "{\"success\":false,\"errors\":[{\"code\":"
	    "77777,\"message\":\"%s\"}]}", said);
	cf_req_init(&r, "GET", PERM_DNS_READ);
	r.status = 400;
	assert_int_equal(cf_parse_reply(&r, body, strlen(body)), -1);
	assert_non_null(strstr(r.err.msg, "77777"));
	assert_true(strlen(r.err.msg) < 600);
	cf_req_clean(&r);

	cf_lang = LANG_RU;
	cf_req_init(&r, "GET", PERM_DNS_EDIT);
	r.status = 403;
	strcpy(body, FAIL(10000, "Authentication error"));
	assert_int_equal(cf_parse_reply(&r, body, strlen(body)), -1);
	cf_lang = LANG_EN;
	assert_string_equal(r.err.type, "access");
	assert_non_null(strstr(r.err.msg, "разрешение «Zone · Zone DNS · "
	    "Edit»"));
	cf_req_clean(&r);
}

static void
test_perm_name(void **state)
{
	int	 p, bad = 0;

	assert_string_equal(perm_name(PERM_NONE), "");
	assert_string_equal(perm_name(PERM__MAX), "");
	assert_string_equal(perm_name((enum perm)-1), "");
	assert_string_equal(perm_name(PERM_DNS_EDIT), "Zone · Zone DNS · Edit");
	assert_string_equal(perm_name(PERM_DNS_READ), "Zone · Zone DNS · Read");
	for (p = PERM_NONE + 1; p < PERM__MAX; p++) {
		const char *n = perm_name((enum perm)p);
		if (n == NULL || (strncmp(n, "Zone · ", 8) != 0 &&
		    strncmp(n, "Account · ", 11) != 0)) {
			print_error("perm_name(%d) = '%s'\n", p, n ? n : "");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void
test_path(void **state)
{
	static const struct {
		const char	*seg;
		int		 ok;
	} c[] = {
		{ H32, 1 },
		{ "abc", 1 },
		{ "a.b", 1 },
		{ "a_b-c", 1 },
		{ "example.com", 1 },
		{ "...", 1 },
		{ S64, 1 },				/* 64 */
		{ S64 "a", 0 },				/* 65 */
		{ "", 0 },
		{ NULL, 0 },
		{ ".", 0 },
		{ "..", 0 },
		{ "a/b", 0 },
		{ "/", 0 },
		{ "a?b", 0 },
		{ "a#b", 0 },
		{ "a&b", 0 },
		{ "a b", 0 },
		{ "a%2fb", 0 },
		{ "a\\b", 0 },
		{ "a\nb", 0 },
		{ "caf\xc3\xa9", 0 },
	};
	struct cf_req	 r;
	char		 want[256];
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		cf_req_init(&r, "GET", PERM_DNS_READ);
		rc = cf_path(&r, "/zones/%s/dns_records", c[i].seg);
		snprintf(want, sizeof(want), "/zones/%s/dns_records",
		    c[i].seg ? c[i].seg : "");
		if ((rc == 0) != c[i].ok || (rc == 0 &&
		    (strcmp(r.path, want) != 0 || r.failed)) ||
		    (rc == -1 && (r.path[0] != '\0' || !r.failed))) {
			print_error("cf_path case %zu: segment '%s': rc %d "
			    "path '%s' failed %d\n", i,
			    c[i].seg ? c[i].seg : "(null)", rc, r.path,
			    r.failed);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	/* Two segments; a conversion other than %s; too long a path. */
	cf_req_init(&r, "GET", PERM_DNS_READ);
	assert_int_equal(cf_path(&r, "/zones/%s/dns_records/%s", H32, "ff"),
	    0);
	assert_string_equal(r.path, "/zones/" H32 "/dns_records/ff");
	cf_req_init(&r, "GET", PERM_DNS_READ);
	assert_int_equal(cf_path(&r, "/zones/%d", 5), -1);
	assert_true(r.failed);
	cf_req_init(&r, "GET", PERM_DNS_READ);
	assert_int_equal(cf_path(&r, "/a/%s/%s/%s/%s/%s/%s/%s/%s/%s/%s/%s/%s/"
	    "%s/%s/%s/%s", S64, S64, S64, S64, S64, S64, S64, S64, S64, S64,
	    S64, S64, S64, S64, S64, S64), -1);
	assert_string_equal(r.path, "");
	assert_true(r.failed);
}

static void
test_query(void **state)
{
	static const struct {
		const char	*value, *enc;
	} c[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "a b", "a%20b" },
		{ "a&b", "a%26b" },
		{ "a=b", "a%3Db" },
		{ "a+b", "a%2Bb" },
		{ "a/b?c#d", "a%2Fb%3Fc%23d" },
		{ "100%", "100%25" },
		{ "-._~", "-._~" },
		{ "www.example.com", "www.example.com" },
		{ "\"'<>", "%22%27%3C%3E" },
		{ "\xd0\xbf\xd1\x80", "%D0%BF%D1%80" },		/* "пр" */
		{ "\xf0\x9f\x98\x80", "%F0%9F%98%80" },
		{ "\n\r\t", "%0A%0D%09" },
	};
	struct cf_req	 r;
	char		 want[256];
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < NELEM(c); i++) {
		cf_req_init(&r, "GET", PERM_DNS_READ);
		assert_int_equal(cf_path(&r, "/zones/%s/dns_records", H32), 0);
		snprintf(want, sizeof(want), "/zones/" H32 "/dns_records"
		    "?name=%s", c[i].enc);
		if (cf_query(&r, "name", c[i].value) != 0 ||
		    strcmp(r.path, want) != 0) {
			print_error("cf_query case %zu: value '%s': path '%s', "
			    "expected '%s'\n", i, c[i].value, r.path, want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);

	/* The second parameter joins with '&'; numbers; no room left. */
	cf_req_init(&r, "GET", PERM_DNS_READ);
	assert_int_equal(cf_path(&r, "/zones"), 0);
	assert_int_equal(cf_query(&r, "name", "example.com"), 0);
	assert_int_equal(cf_query_int(&r, "page", 3), 0);
	assert_int_equal(cf_query_int(&r, "per_page", -1), 0);
	assert_string_equal(r.path, "/zones?name=example.com&page=3"
	    "&per_page=-1");
	assert_false(r.failed);

	cf_req_init(&r, "GET", PERM_DNS_READ);
	assert_int_equal(cf_path(&r, "/zones"), 0);
	{
		char big[400];
		memset(big, ' ', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(cf_query(&r, "a", big), -1);
	}
	assert_true(r.failed);
	assert_true(memchr(r.path, '\0', sizeof(r.path)) != NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_result_and_info),
		cmocka_unit_test(test_raw_text),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_perm_name),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
