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

/* Every field of the zone settings form; zsettings_check knows them. */
static const struct param_spec p_zsettings[] = {
	{ "elid", v_domain, P_REQUIRED },
	{ "ssl", zsettings_check, 0 },
	{ "min_tls_version", zsettings_check, 0 },
	{ "always_use_https", zsettings_check, 0 },
	{ "automatic_https_rewrites", zsettings_check, 0 },
	{ "security_level", zsettings_check, 0 },
	{ "challenge_ttl", zsettings_check, 0 },
	{ "browser_check", zsettings_check, 0 },
	{ "email_obfuscation", zsettings_check, 0 },
	{ "hotlink_protection", zsettings_check, 0 },
	{ "cache_level", zsettings_check, 0 },
	{ "browser_cache_ttl", zsettings_check, 0 },
	{ "always_online", zsettings_check, 0 },
	{ "development_mode", zsettings_check, 0 },
	{ "brotli", zsettings_check, 0 },
	{ "http3", zsettings_check, 0 },
	{ "zero_rtt", zsettings_check, 0 },
	{ "ipv6", zsettings_check, 0 },
	{ "websockets", zsettings_check, 0 },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_purge[] = {
	{ "elid", v_domain, P_REQUIRED },
	{ "mode", v_text, 0 },
	{ "items", v_multiline, 0 },
	{ NULL, NULL, 0 }
};

static const struct param_spec p_zone_form[] = {
	{ "elid", v_domain, P_REQUIRED },
	{ NULL, NULL, 0 }
};

/* from_panel=on (with bind empty) copies the panel's DNS zone again. */
static const struct param_spec p_dns_import[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "bind", v_multiline, 0 },
	{ "proxied", v_onoff, 0 },
	{ "from_panel", v_onoff, 0 },
	{ NULL, NULL, 0 }
};

/* The page rule form: v_pagerule_action checks each action field. */
static const struct param_spec p_pagerule_edit[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "elid", v_cfid_opt, 0 },
	{ "url", v_pagerule_url, P_SUBMIT },
	{ "status", v_pagerule_status, 0 },
	{ "priority", v_pagerule_priority, 0 },
	{ "forwarding_url", v_pagerule_action, 0 },
	{ "forwarding_status", v_pagerule_action, 0 },
	{ "always_use_https", v_pagerule_action, 0 },
	{ "ssl", v_pagerule_action, 0 },
	{ "security_level", v_pagerule_action, 0 },
	{ "browser_check", v_pagerule_action, 0 },
	{ "waf", v_pagerule_action, 0 },
	{ "automatic_https_rewrites", v_pagerule_action, 0 },
	{ "opportunistic_encryption", v_pagerule_action, 0 },
	{ "email_obfuscation", v_pagerule_action, 0 },
	{ "disable_security", v_pagerule_action, 0 },
	{ "cache_level", v_pagerule_action, 0 },
	{ "edge_cache_ttl", v_pagerule_action, 0 },
	{ "browser_cache_ttl", v_pagerule_action, 0 },
	{ "cache_by_device_type", v_pagerule_action, 0 },
	{ "cache_deception_armor", v_pagerule_action, 0 },
	{ "cache_on_cookie", v_pagerule_action, 0 },
	{ "bypass_cache_on_cookie", v_pagerule_action, 0 },
	{ "explicit_cache_control", v_pagerule_action, 0 },
	{ "origin_error_page_pass_thru", v_pagerule_action, 0 },
	{ "respect_strong_etag", v_pagerule_action, 0 },
	{ "sort_query_string_for_cache", v_pagerule_action, 0 },
	{ "rocket_loader", v_pagerule_action, 0 },
	{ "polish", v_pagerule_action, 0 },
	{ "response_buffering", v_pagerule_action, 0 },
	{ "disable_performance", v_pagerule_action, 0 },
	{ "ip_geolocation", v_pagerule_action, 0 },
	{ "true_client_ip_header", v_pagerule_action, 0 },
	{ "host_header_override", v_pagerule_action, 0 },
	{ "resolve_override", v_pagerule_action, 0 },
	{ "disable_apps", v_pagerule_action, 0 },
	{ "disable_zaraz", v_pagerule_action, 0 },
	/* Declared only to be refused: no longer a page rule action. */
	{ "always_online", v_always_online, 0 },
	{ NULL, NULL, 0 }
};

/* An IP access rule; fw_check_value checks value against target. */
static const struct param_spec p_fw_edit[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "elid", v_cfid_opt, 0 },
	{ "target", v_fwtarget, P_SUBMIT },
	{ "value", v_text, P_SUBMIT },
	{ "mode", v_fwmode, P_SUBMIT },
	{ "notes", v_text500, 0 },
	{ NULL, NULL, 0 }
};

/* A cache rule: the builder (match, match_value) or an expression. */
static const struct param_spec p_cr_edit[] = {
	{ "plid", v_domain, P_REQUIRED },
	{ "elid", v_cfid_opt, 0 },
	{ "description", v_text500, P_SUBMIT },
	{ "match", v_crmatch, P_SUBMIT },
	{ "match_value", v_text, 0 },
	{ "expression", v_expression, 0 },
	{ "cache", v_onoff, 0 },
	{ "edge_ttl", v_cachettl, 0 },
	{ "browser_ttl", v_cachettl, 0 },
	{ "enabled", v_onoff, 0 },
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
	{ "cloudflare.zone.settings", fn_zone_settings, LEVEL_USER, "elid",
	    F_TOKEN, p_zsettings },
	{ "cloudflare.purge", fn_purge, LEVEL_USER, "elid", F_TOKEN, p_purge },
	{ "cloudflare.stats", fn_stats, LEVEL_USER, "elid", 0, p_zone_form },
	{ "cloudflare.dns.export", fn_dns_export, LEVEL_USER, "plid", F_TOKEN,
	    p_sublist },
	{ "cloudflare.dns.import", fn_dns_import, LEVEL_USER, "plid", F_TOKEN,
	    p_dns_import },
	{ "cloudflare.pagerule", fn_pagerule_list, LEVEL_USER, "plid",
	    F_TOKEN | F_PARENT_ELID, p_sublist },
	{ "cloudflare.pagerule.edit", fn_pagerule_edit, LEVEL_USER, "plid",
	    F_TOKEN, p_pagerule_edit },
	{ "cloudflare.pagerule.delete", fn_pagerule_delete, LEVEL_USER, "plid",
	    F_TOKEN, p_sub_group },
	{ "cloudflare.account", fn_account, LEVEL_USER, NULL, F_TOKEN, p_none },
	{ "cloudflare.firewall", fn_fw_list, LEVEL_USER, "plid",
	    F_TOKEN | F_PARENT_ELID, p_sublist },
	{ "cloudflare.firewall.edit", fn_fw_edit, LEVEL_USER, "plid", F_TOKEN,
	    p_fw_edit },
	{ "cloudflare.firewall.delete", fn_fw_delete, LEVEL_USER, "plid",
	    F_TOKEN, p_sub_group },
	{ "cloudflare.cacherule", fn_cr_list, LEVEL_USER, "plid",
	    F_TOKEN | F_PARENT_ELID, p_sublist },
	{ "cloudflare.cacherule.edit", fn_cr_edit, LEVEL_USER, "plid", F_TOKEN,
	    p_cr_edit },
	{ "cloudflare.cacherule.delete", fn_cr_delete, LEVEL_USER, "plid",
	    F_TOKEN, p_sub_group },
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
