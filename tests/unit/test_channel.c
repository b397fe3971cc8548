/*
 * test_channel.c - the Comet store (common/channel.h), as TAP: ids, the
 * cursor and the cache's edge, names, limits and the query of /sub.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "channel.h"

static struct channel_table *new_table(unsigned count)
{
	struct channel_table *t = malloc(channel_table_size(count));

	if (t == NULL) {
		perror("malloc");
		exit(2);
	}
	channel_table_init(t, count);
	return t;
}

static unsigned find(struct channel_table *t, const char *name)
{
	unsigned index = 9999;

	if (channel_find(t, name, strlen(name), &index) != CHANNEL_OK)
		return 9999;
	return index;
}

static uint64_t publish(struct channel_table *t, unsigned index, const char *text)
{
	uint64_t id = 0;

	if (channel_publish(t, index, text, strlen(text), &id) != CHANNEL_OK)
		return 0;
	return id;
}

static void ids_count_up_per_channel(void)
{
	struct channel_table *t = new_table(4);
	unsigned a = find(t, "news"), b = find(t, "chat");
	bool ok = a != b && find(t, "news") == a && publish(t, a, "one") == 1 &&
		  publish(t, a, "two") == 2 && publish(t, b, "elsewhere") == 1 &&
		  publish(t, a, "three") == 3 && t->used == 2;

	report(ok, "ids are 1, 2, 3, ... per channel; a name finds its channel again",
	       "ids or indexes wrong");
	free(t);
}

/* A subscriber that polls with the id of what it last saw reads every
 * message once, in order, and then waits. */
static void a_cursor_reads_each_message_once(void)
{
	struct channel_table *t = new_table(1);
	unsigned ch = find(t, "c");
	const struct channel_message *m = NULL;
	uint64_t after = 0, seen = 0, resume = 0;
	char text[32];
	bool ok = true;

	for (int i = 1; i <= 50; i++) {
		snprintf(text, sizeof(text), "message %d", i);
		ok &= publish(t, ch, text) == (uint64_t)i;
	}
	while (channel_after(t, ch, after, &m, &resume) == CHANNEL_OK) {
		snprintf(text, sizeof(text), "message %llu", (unsigned long long)(after + 1));
		ok &= m->id == after + 1 && m->len == strlen(text) &&
		      memcmp(m->data, text, m->len) == 0;
		after = m->id;
		seen++;
	}
	ok &= seen == 50 && channel_after(t, ch, after, &m, &resume) == CHANNEL_WAIT;
	report(ok, "a cursor reads ids 1..50 once each, in order, with their bytes, then waits",
	       "a message was skipped, repeated or wrong");
	free(t);
}

/* The cache holds the last CHANNEL_CACHE: one further back is gone (410),
 * the oldest kept is still there, across the ring's wrap. */
static void the_cache_drops_the_oldest(void)
{
	struct channel_table *t = new_table(1);
	unsigned ch = find(t, "c");
	const struct channel_message *m = NULL;
	uint64_t last = CHANNEL_CACHE + 37, oldest = last - CHANNEL_CACHE + 1, resume = 0;
	bool ok = true;

	for (uint64_t i = 1; i <= last; i++)
		ok &= publish(t, ch, "x") == i;
	ok &= channel_after(t, ch, 0, &m, &resume) == CHANNEL_GONE && resume == oldest - 1;
	resume = 0;
	ok &= channel_after(t, ch, oldest - 2, &m, &resume) == CHANNEL_GONE && resume == oldest - 1;
	ok &= channel_after(t, ch, oldest - 1, &m, &resume) == CHANNEL_OK && m->id == oldest;
	ok &= channel_after(t, ch, last - 1, &m, &resume) == CHANNEL_OK && m->id == last;
	ok &= channel_after(t, ch, last, &m, &resume) == CHANNEL_WAIT;
	/* a cursor from a history this channel does not have: go on from its end */
	ok &= channel_after(t, ch, last + 1, &m, &resume) == CHANNEL_GONE && resume == last;
	report(ok,
	       "the cache keeps the last 200: older is 410 Gone (go on from before the oldest), "
	       "the oldest kept is served",
	       "the cache's edge is off by one");
	free(t);
}

static void names_and_limits(void)
{
	struct channel_table *t = new_table(2);
	char big[CHANNEL_MESSAGE_MAX + 1], long_name[CHANNEL_NAME_MAX + 2];
	unsigned index;
	uint64_t id = 0;
	bool ok = true;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	ok &= channel_find(t, "", 0, &index) == CHANNEL_BAD_NAME;
	ok &= channel_find(t, "a b", 3, &index) == CHANNEL_BAD_NAME;
	ok &= channel_find(t, "a/b", 3, &index) == CHANNEL_BAD_NAME;
	ok &= channel_find(t, "caf\xc3\xa9", 5, &index) == CHANNEL_BAD_NAME;
	ok &= channel_find(t, long_name, CHANNEL_NAME_MAX + 1, &index) == CHANNEL_BAD_NAME;
	ok &= channel_find(t, long_name, CHANNEL_NAME_MAX, &index) == CHANNEL_OK;
	ok &= channel_find(t, "Az_09-", 6, &index) == CHANNEL_OK;
	/* two channels is all this table holds; known names are still found */
	ok &= channel_find(t, "third", 5, &index) == CHANNEL_FULL;
	ok &= channel_find(t, "Az_09-", 6, &index) == CHANNEL_OK && index == 1;
	memset(big, 'm', sizeof(big));
	ok &= channel_publish(t, 0, big, sizeof(big), &id) == CHANNEL_TOO_LARGE;
	ok &= channel_publish(t, 0, big, CHANNEL_MESSAGE_MAX, &id) == CHANNEL_OK && id == 1;
	ok &= channel_publish(t, 0, "", 0, &id) == CHANNEL_OK && id == 2;
	ok &= channel_http_status(CHANNEL_BAD_NAME) == 400 &&
	      channel_http_status(CHANNEL_TOO_LARGE) == 413 &&
	      channel_http_status(CHANNEL_FULL) == 503 && channel_http_status(CHANNEL_GONE) == 410;
	report(ok,
	       "names are 1-64 of [A-Za-z0-9_-] (400), a message at most 1024 bytes (413), "
	       "channels up to the table's count (503)",
	       "a name, a size or the table's limit is not held");
	free(t);
}

static bool query_is(const char *q, enum channel_status want, uint64_t want_after, long want_wait)
{
	uint64_t after = 99;
	long wait_ms = 99;
	enum channel_status s = channel_parse_query(q, strlen(q), &after, &wait_ms);

	if (s != want)
		return false;
	return s != CHANNEL_OK || (after == want_after && wait_ms == want_wait);
}

static void the_query_of_sub(void)
{
	bool ok = query_is("", CHANNEL_OK, 0, -1) && query_is("after=7", CHANNEL_OK, 7, -1) &&
		  query_is("wait=250&after=12", CHANNEL_OK, 12, 250) &&
		  query_is("x=1&after=3&y", CHANNEL_OK, 3, -1) &&
		  query_is("after=18446744073709551615", CHANNEL_OK, UINT64_MAX, -1) &&
		  query_is("wait=60000", CHANNEL_OK, 0, 60000) &&
		  query_is("after=18446744073709551616", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("after=-1", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("after=", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("after", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("after=1x", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("wait=60001", CHANNEL_BAD_QUERY, 0, 0) &&
		  query_is("wait=+5", CHANNEL_BAD_QUERY, 0, 0);

	report(ok,
	       "/sub's query: after= and wait= in any order, digits only, in range; others ignored",
	       "a query was read wrong");
}

int main(void)
{
	printf("1..5\n");
	ids_count_up_per_channel();
	a_cursor_reads_each_message_once();
	the_cache_drops_the_oldest();
	names_and_limits();
	the_query_of_sub();
	return tap_failures != 0;
}
