/*
 * channel.c - the Comet store; see channel.h.
 */
#include "channel.h"

#include <string.h>

int channel_http_status(enum channel_status s)
{
	switch (s) {
	case CHANNEL_OK:
		return 200;
	case CHANNEL_WAIT:
		return 204; /* what an empty wait ends with */
	case CHANNEL_GONE:
		return 410;
	case CHANNEL_BAD_NAME:
	case CHANNEL_BAD_QUERY:
		return 400;
	case CHANNEL_TOO_LARGE:
		return 413;
	case CHANNEL_FULL:
		return 503;
	}
	return 500;
}

size_t channel_table_size(unsigned count)
{
	return sizeof(struct channel_table) + (size_t)count * sizeof(struct channel);
}

void channel_table_init(struct channel_table *t, unsigned count)
{
	/* Only the headers are written: the caches of channels never used
	 * stay untouched pages of a fresh mapping. */
	t->capacity = count;
	t->used = 0;
	for (unsigned i = 0; i < count; i++) {
		t->channels[i].name_len = 0;
		t->channels[i].last_id = 0;
	}
}

bool channel_name_valid(const char *name, size_t len)
{
	if (len == 0 || len > CHANNEL_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

enum channel_status channel_find(struct channel_table *t, const char *name, size_t len,
				 unsigned *index)
{
	unsigned i;

	if (!channel_name_valid(name, len))
		return CHANNEL_BAD_NAME;
	/* A linear scan: a lab server holds tens of channels, not thousands. */
	for (i = 0; i < t->used; i++)
		if (t->channels[i].name_len == len && memcmp(t->channels[i].name, name, len) == 0) {
			*index = i;
			return CHANNEL_OK;
		}
	if (t->used == t->capacity)
		return CHANNEL_FULL;
	memcpy(t->channels[i].name, name, len);
	t->channels[i].name_len = (uint8_t)len;
	t->channels[i].last_id = 0;
	t->used++;
	*index = i;
	return CHANNEL_OK;
}

enum channel_status channel_publish(struct channel_table *t, unsigned index, const char *data,
				    size_t len, uint64_t *id)
{
	struct channel *ch = &t->channels[index];
	struct channel_message *m;

	if (len > CHANNEL_MESSAGE_MAX)
		return CHANNEL_TOO_LARGE;
	ch->last_id++;
	m = &ch->cache[(ch->last_id - 1) % CHANNEL_CACHE];
	m->id = ch->last_id;
	m->len = (uint32_t)len;
	if (len > 0)
		memcpy(m->data, data, len);
	*id = ch->last_id;
	return CHANNEL_OK;
}

enum channel_status channel_after(const struct channel_table *t, unsigned index, uint64_t after,
				  const struct channel_message **message, uint64_t *resume)
{
	const struct channel *ch = &t->channels[index];
	uint64_t oldest = ch->last_id > CHANNEL_CACHE ? ch->last_id - CHANNEL_CACHE + 1 : 1;

	if (after == ch->last_id)
		return CHANNEL_WAIT;
	if (after > ch->last_id || after + 1 < oldest) {
		/* Where to start again: before the oldest message the cache
		 * holds, or at the end of a history that has no such cursor. */
		*resume = after > ch->last_id ? ch->last_id : oldest - 1;
		return CHANNEL_GONE;
	}
	*message = &ch->cache[after % CHANNEL_CACHE]; /* id after + 1 */
	return CHANNEL_OK;
}

/* Digits only, no sign, no overflow past max. */
static bool parse_number(const char *p, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned digit;

		if (p[i] < '0' || p[i] > '9')
			return false;
		digit = (unsigned)(p[i] - '0');
		if (n > (max - digit) / 10)
			return false;
		n = n * 10 + digit;
	}
	*out = n;
	return true;
}

enum channel_status channel_parse_query(const char *query, size_t len, uint64_t *after,
					long *wait_ms)
{
	const char *p = query, *end = query + len;

	*after = 0;
	*wait_ms = -1;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t key = eq ? (size_t)(eq - p) : (size_t)(stop - p);
		uint64_t n;

		if (key == 5 && memcmp(p, "after", 5) == 0) {
			if (eq == NULL ||
			    !parse_number(eq + 1, (size_t)(stop - eq - 1), UINT64_MAX, &n))
				return CHANNEL_BAD_QUERY;
			*after = n;
		} else if (key == 4 && memcmp(p, "wait", 4) == 0) {
			if (eq == NULL ||
			    !parse_number(eq + 1, (size_t)(stop - eq - 1), CHANNEL_MAX_WAIT_MS, &n))
				return CHANNEL_BAD_QUERY;
			*wait_ms = (long)n;
		}
		p = stop + (amp != NULL);
	}
	return CHANNEL_OK;
}
