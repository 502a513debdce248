/*
 * The one table of functions and their parameters.  A parameter not
 * declared here never reaches a handler; one declared here always
 * passes its validator first.
 */
#include <string.h>

#include "cf.h"
#include "fn.h"
#include "request.h"
#include "validate.h"

static const struct param_spec p_none[] = {
	{ NULL, NULL, 0 }
};

static const struct param_spec p_token[] = {
	{ "api_token", v_token, P_SECRET },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_zone_edit[] = {
	{ "name", v_domain, P_SUBMIT },
	{ "account", v_cfid_opt, 0 },
	{ "jump_start", v_onoff, 0 },
	{ "copy_dns", v_onoff, 0 },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_zone_group[] = {
	{ "elid", v_domains, P_REQUIRED },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_sublist[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_dns_edit[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "elid", v_cfid_opt, 0 },
	{ "type", v_dnstype, P_SUBMIT },
	{ "name", v_dnsname, 0 },
	{ "content", v_content, P_SUBMIT },
	{ "ttl", v_ttl, 0 },
	{ "priority", v_priority, 0 },
	{ "proxied", v_onoff, 0 },
	{ "comment", v_comment, 0 },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_sub_group[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "elid", v_cfids, P_REQUIRED },
	{ NULL, NULL, 0 }
};

const struct func functab[] = {
	{ "cloudflare.settings", fn_settings, LEVEL_ADMIN, NULL, 0, p_token },
	{ "cloudflare.profile", fn_profile, LEVEL_USER, NULL, 0, p_token },
	{ "cloudflare.zone", fn_zone_list, LEVEL_USER, NULL, F_TOKEN, p_none },
	{ "cloudflare.zone.edit", fn_zone_edit, LEVEL_USER, "name", F_TOKEN,
	    p_zone_edit },
	{ "cloudflare.zone.delete", fn_zone_delete, LEVEL_USER, "elid",
	    F_TOKEN | F_ZONELIST, p_zone_group },
	{ "cloudflare.dns", fn_dns_list, LEVEL_USER, "plid",
	    F_TOKEN | F_PARENT_ELID, p_sublist },
	{ "cloudflare.dns.edit", fn_dns_edit, LEVEL_USER, "plid", F_TOKEN,
	    p_dns_edit },
	{ "cloudflare.dns.delete", fn_dns_delete, LEVEL_USER, "plid", F_TOKEN,
	    p_sub_group },
	/* More functions are added above this line. */
	{ NULL, NULL, 0, NULL, 0, NULL }
};

const struct func *
func_find(const char *name)
{
	const struct func	*f;

	for (f = functab; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
