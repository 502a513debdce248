/*
 * Shared types of the Cloudflare plugin for ispmanager 6.
 * Every module includes this; it pulls in no library headers.
 */
#ifndef CF_H
#define CF_H

#include <stddef.h>
#include <stdarg.h>

#define CF_VERSION	"1.0.0"

#define CF_DEF_API_URL	"https://api.cloudflare.com/client/v4"
#define CF_DEF_ETC_DIR	"/usr/local/mgr5/etc/cloudflare"
#define CF_DEF_MGRCTL	"/usr/local/mgr5/sbin/mgrctl"
#define CF_DEF_LOG	"/usr/local/mgr5/var/cloudflare.log"

#define LEVEL_ADMIN	29	/* AUTH_LEVEL of an administrator */
#define LEVEL_USER	16

/*
 * An error on its way to the user.  type and object become the
 * <error type= object=> attributes, msg the text the panel shows.
 */
struct err {
	char	type[16];	/* value, access, missed, exists, cloudflare, internal */
	char	object[64];	/* the field at fault, or "" */
	char	msg[1024];
};

void	 err_set(struct err *, const char *, const char *, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	 err_vset(struct err *, const char *, const char *, const char *,
	    va_list) __attribute__((format(printf, 4, 0)));
void	 err_clear(struct err *);
int	 err_isset(const struct err *);

/*
 * The user's language, chosen once per request.  Every text a user
 * reads is written T("English", "Русский") where it is used, so the
 * two can never drift apart, and gcc's -Wformat checks both arms of
 * the conditional against the same arguments.
 */
enum lang { LANG_EN, LANG_RU };
extern enum lang cf_lang;
#define T(en, ru)	(cf_lang == LANG_RU ? (ru) : (en))

/*
 * One deadline for the whole request: the panel gives a handler about
 * 30 s, so everything we wait for (mgrctl, Cloudflare, retries) fits
 * in CF_DEADLINE_MS from the start of main.
 */
#define CF_DEADLINE_MS	25000
void	 deadline_start(long long);
long long deadline_left(void);	/* ms, never below 0 */
long long mono_ms(void);

size_t	 utf8_decode(const char *, size_t, unsigned int *);

size_t	 cf_strlcpy(char *, const char *, size_t);
int	 cf_snprintf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* CF_H */
