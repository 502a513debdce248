/*
 * The request parser and the validators.  The input is NUL-separated
 * KEY=VALUE pairs: AUTH_* keys are set as they are, any other key as
 * PARAM_KEY, then request_parse runs as the handler runs it.  Every
 * value is also fed to each validator directly: the one functab
 * declares for its key, every field-independent one, and the content
 * checks that look at several fields together.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "fn.h"
#include "request.h"
#include "validate.h"

#define MAX_PAIRS	64

struct pair {
	char	*key, *val;
	char	*env;		/* "NAME=VALUE", ours, given to putenv */
};

/* Validators whose verdict does not depend on the field name. */
static const validator plain[] = {
	v_text, v_multiline, v_onoff, v_uint, v_domain, v_domains, v_cfid,
	v_cfid_opt, v_cfids, v_token, v_user, v_func, v_dnstype, v_dnsname,
	v_ttl, v_priority, v_comment, v_content, v_pagerule_url,
	v_pagerule_status, v_pagerule_priority, v_always_online, v_fwtarget,
	v_fwmode, v_crmatch, v_text500, v_cachettl, v_expression,
};

static void
check(validator fn, const char *v, const char *field)
{
	struct err	 err;
	char		*copy;

	if ((copy = strdup(v)) == NULL)
		return;
	err_clear(&err);
	if (fn(copy, field, &err) == -1 && !err_isset(&err))
		abort();	/* a refusal must say why */
	free(copy);
}

static const char *
value_of(const struct pair *p, size_t n, const char *key, const char *def)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].key, key) == 0)
			return p[i].val;
	return def;
}

static void
run_request(void)
{
	struct request	 req;
	struct err	 err;
	size_t		 i;

	err_clear(&err);
	if (request_parse(&req, &err) == 0) {
		for (i = 0; i < req.np; i++) {
			(void)req_get(&req, req.p[i].name);
			(void)req_str(&req, req.p[i].name);
			(void)req_on(&req, req.p[i].name, 0);
		}
	} else if (!err_isset(&err))
		abort();
	request_free(&req);
}

static void
run_validators(const struct pair *p, size_t n)
{
	const struct func	*f;
	const struct param_spec	*ps;
	struct err		 err;
	char			 a[512], b[512], *copy, *items[16];
	unsigned long long	 u;
	size_t			 i, k;

	for (i = 0; i < n; i++) {
		for (f = functab; f->name != NULL; f++)
			for (ps = f->params; ps->name != NULL; ps++)
				if (strcmp(ps->name, p[i].key) == 0)
					check(ps->check, p[i].val, ps->name);
		for (k = 0; k < sizeof(plain) / sizeof(plain[0]); k++)
			check(plain[k], p[i].val, p[i].key);
		(void)utf8_valid(p[i].val, strlen(p[i].val));
		(void)is_hostname(p[i].val, 0);
		(void)is_hostname(p[i].val, 1);
		(void)is_cfid(p[i].val);
		(void)is_ipv4(p[i].val);
		(void)is_ipv6(p[i].val);
		(void)parse_uint(p[i].val, 65535, &u);
		(void)dns_proxiable(p[i].val);
		(void)dns_has_priority(p[i].val);
		if ((copy = strdup(p[i].val)) != NULL) {
			(void)split_list(copy, items, 16);
			free(copy);
		}
		err_clear(&err);
		(void)expr_check(p[i].val, "expression", &err);
	}

	/* The checks across fields, with whatever the input gave. */
	err_clear(&err);
	(void)dns_check_record(value_of(p, n, "type", "A"),
	    value_of(p, n, "name", "example.com"),
	    value_of(p, n, "content", ""), value_of(p, n, "priority", NULL),
	    &err);
	err_clear(&err);
	(void)dns_name_fqdn(value_of(p, n, "name", ""),
	    value_of(p, n, "plid", "example.com"), a, sizeof(a), &err);
	err_clear(&err);
	(void)fw_check_value(value_of(p, n, "target", "ip"),
	    value_of(p, n, "value", ""), a, 16, b, sizeof(b), &err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pair	 p[MAX_PAIRS];
	char		*buf, *s, *next, *end, *eq;
	size_t		 n = 0, i, len;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	for (s = buf; s < end && n < MAX_PAIRS; s = next) {
		next = s + strlen(s) + 1;
		if ((eq = strchr(s, '=')) == NULL || eq == s)
			continue;
		*eq = '\0';
		p[n].key = s;
		p[n].val = eq + 1;
		len = strlen(s) + strlen(eq + 1) + 8;
		if ((p[n].env = malloc(len)) == NULL)
			break;
		if (strncmp(s, "AUTH_", 5) == 0)
			cf_snprintf(p[n].env, len, "%s=%s", s, eq + 1);
		else
			cf_snprintf(p[n].env, len, "PARAM_%s=%s", s, eq + 1);
		/* putenv, not setenv: glibc never frees setenv's copies. */
		putenv(p[n].env);
		n++;
	}

	run_request();

	/* Clear every name first, then free: putenv keeps our pointers. */
	for (i = 0; i < n; i++) {
		if ((eq = strchr(p[i].env, '=')) == NULL ||
		    (s = strndup(p[i].env, (size_t)(eq - p[i].env))) == NULL)
			abort();
		unsetenv(s);
		free(s);
	}
	for (i = 0; i < n; i++)
		free(p[i].env);
	cf_lang = LANG_EN;

	run_validators(p, n);
	free(buf);
	return 0;
}
