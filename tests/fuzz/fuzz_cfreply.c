/*
 * The Cloudflare v4 envelope parser on arbitrary bytes, then a walk
 * over the result the way the handlers read it: zone_parse on every
 * item, the typed getters on the fields handlers use, every node of
 * the tree.  The first byte picks the HTTP status and the request's
 * flags; the rest is the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "reply.h"
#include "validate.h"

static const long statuses[] = { 200, 201, 400, 403, 404, 429, 500, 503 };

static const char *const strkeys[] = {
	"id", "name", "type", "content", "comment", "status", "mode",
	"notes", "target", "value", "expression", "description", "action",
	"message", "created_on", "modified_on", "expires_on", "zone_id",
	"zone_name", "url", "operator", "ref", "phase", "kind",
};
static const char *const intkeys[] = {
	"ttl", "priority", "code", "page", "per_page", "count",
	"total_count", "total_pages", "value",
};
static const char *const boolkeys[] = {
	"proxied", "proxiable", "locked", "paused", "enabled", "editable",
	"success", "value",
};
static const char *const paths[] = {
	"account.id", "account.name", "plan.name", "meta.auto_added",
	"configuration.target", "configuration.value", "scope.type",
	"action_parameters.cache", "action_parameters.edge_ttl.default",
	"value.status", "actions", "targets", "rules", "data.priority",
};

/* Every node, the way a handler that checks each type reads them. */
static void
walk(const struct json *j, int depth)
{
	const char	*s;
	long long	 ll;
	int		 b;
	size_t		 i, n;

	if (j == NULL || depth > JSON_MAX_DEPTH + 2)
		return;
	(void)json_key(j);
	(void)json_as_str(j, &s);
	(void)json_as_int(j, &ll);
	(void)json_as_bool(j, &b);
	(void)json_is_null(j);
	(void)json_is_num(j);
	if (json_is_obj(j)) {
		for (i = 0; i < sizeof(strkeys) / sizeof(strkeys[0]); i++) {
			(void)json_str(j, strkeys[i], &s);
			(void)json_str_opt(j, strkeys[i], &s, "");
		}
		for (i = 0; i < sizeof(intkeys) / sizeof(intkeys[0]); i++) {
			(void)json_int(j, intkeys[i], &ll);
			(void)json_int_opt(j, intkeys[i], &ll, 0);
		}
		for (i = 0; i < sizeof(boolkeys) / sizeof(boolkeys[0]); i++) {
			(void)json_bool(j, boolkeys[i], &b);
			(void)json_bool_opt(j, boolkeys[i], &b, 0);
		}
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			(void)json_path(j, paths[i]);
	}
	if (json_is_obj(j) || json_is_arr(j)) {
		n = json_count(j);
		for (i = 0; i < n; i++)
			walk(json_at(j, i), depth + 1);
		(void)json_at(j, n);	/* one past the end: NULL */
	}
}

static void
items(const struct json *res)
{
	struct zone	 z;
	size_t		 i, n;

	if (json_is_arr(res)) {
		n = json_count(res);
		for (i = 0; i < n; i++)
			if (zone_parse(json_at(res, i), &z) == 0 &&
			    (!is_cfid(z.id) || strlen(z.name) >= sizeof(z.name)))
				abort();
	} else if (json_is_obj(res))
		(void)zone_parse(res, &z);
	walk(res, 0);
}

/* A copy survives a print and a parse of the copy. */
static void
roundtrip(const struct json *res)
{
	struct json	*dup, *again;
	struct err	 err;
	char		*text;

	if (res == NULL || (dup = json_dup(res)) == NULL)
		return;
	if ((text = json_print(dup)) != NULL) {
		err_clear(&err);
		again = json_parse(text, strlen(text), &err);
		json_free(again);
		free(text);
	}
	json_free(dup);
}

/* An error as the user would read it: valid UTF-8 in the reply. */
static void
show(const struct err *e)
{
	struct reply	*r;
	char		*text;
	size_t		 len = 0;

	if ((r = reply_new()) == NULL)
		return;
	reply_error(r, e);
	if ((text = reply_text(r, &len)) != NULL &&
	    !utf8_valid(text, len))
		abort();
	free(text);
	reply_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cf_req	 r;
	unsigned	 b;
	int		 rc;

	if (size < 1)
		return 0;
	b = data[0];
	cf_lang = (b & 0x80) ? LANG_RU : LANG_EN;
	cf_req_init(&r, (b & 0x08) ? "POST" : "GET", (enum perm)(b % PERM__MAX));
	r.status = statuses[b & 7];
	r.raw = (b & 0x10) != 0;
	r.notfound_ok = (b & 0x20) != 0;
	r.retry_after = (b & 0x40) ? 7 : -1;

	rc = cf_parse_reply(&r, (const char *)data + 1, size - 1);
	if (rc == -1) {
		if (!r.failed || !err_isset(&r.err))
			abort();	/* a failure always explains itself */
		show(&r.err);
	} else {
		if (r.text != NULL && r.text[r.textlen] != '\0')
			abort();
		items(r.result);
		roundtrip(r.result);
	}
	cf_req_clean(&r);
	cf_lang = LANG_EN;
	return 0;
}
