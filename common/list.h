/*
 * list.h - a singly linked FIFO whose links live inside the items
 * (intrusive): pushing and popping allocate nothing, and moving a whole
 * list onto another is two pointer writes, whatever its length -- the
 * "multi-queue buffering" of article 002 rests on that. 11_pool's queues
 * (a link in loop.c's record of each connection, loop_hand_off_link) and
 * bench/queue.c's messages use it.
 */
#ifndef C10K_LIST_H
#define C10K_LIST_H

#include <stddef.h>

struct list_link {
	struct list_link *next;
};

/* Oldest at head. { NULL, NULL } is empty. */
struct list {
	struct list_link *head, *tail;
};

static inline void list_push(struct list *l, struct list_link *item)
{
	item->next = NULL;
	if (l->tail != NULL)
		l->tail->next = item;
	else
		l->head = item;
	l->tail = item;
}

/* NULL when empty. */
static inline struct list_link *list_pop(struct list *l)
{
	struct list_link *item = l->head;

	if (item != NULL) {
		l->head = item->next;
		if (l->head == NULL)
			l->tail = NULL;
	}
	return item;
}

/* All of `from` to the end of `to`; `from` is left empty. */
static inline void list_splice(struct list *to, struct list *from)
{
	if (from->head == NULL)
		return;
	if (to->tail != NULL)
		to->tail->next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	from->head = from->tail = NULL;
}

#endif
