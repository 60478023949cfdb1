package io.nioreactor.core.internal;

import java.util.Arrays;

/**
 * A binary min-heap of {@link ScheduledTask}s ordered by deadline, then by insertion order.
 * Each task knows its heap index, so removal is O(log n). Loop thread only.
 */
final class TimerQueue {

    private ScheduledTask[] heap = new ScheduledTask[16];
    private int size;
    private long nextSequence;

    int size() {
        return size;
    }

    /** Adds {@code task}, or moves it if it is queued already. */
    void add(ScheduledTask task, long deadlineNanos) {
        if (task.isQueued()) {
            remove(task);
        }
        task.deadlineNanos = deadlineNanos;
        task.sequence = nextSequence++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = task;
        task.heapIndex = size;
        size++;
        siftUp(task.heapIndex);
    }

    void remove(ScheduledTask task) {
        int index = task.heapIndex;
        if (index < 0 || index >= size || heap[index] != task) {
            return;
        }
        size--;
        ScheduledTask last = heap[size];
        heap[size] = null;
        task.heapIndex = -1;
        if (index != size) {
            heap[index] = last;
            last.heapIndex = index;
            siftDown(index);
            siftUp(last.heapIndex);
        }
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} when empty. */
    long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : heap[0].deadlineNanos;
    }

    /** Removes and returns the earliest task if its deadline is at or before {@code now}. */
    ScheduledTask pollExpired(long now) {
        if (size == 0 || heap[0].deadlineNanos - now > 0) {
            return null;
        }
        ScheduledTask first = heap[0];
        remove(first);
        return first;
    }

    /** Removes every task. */
    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void siftUp(int index) {
        ScheduledTask task = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!before(task, heap[parent])) {
                break;
            }
            place(heap[parent], index);
            index = parent;
        }
        place(task, index);
    }

    private void siftDown(int index) {
        ScheduledTask task = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], task)) {
                break;
            }
            place(heap[child], index);
            index = child;
        }
        place(task, index);
    }

    private void place(ScheduledTask task, int index) {
        heap[index] = task;
        task.heapIndex = index;
    }

    private static boolean before(ScheduledTask a, ScheduledTask b) {
        long d = a.deadlineNanos - b.deadlineNanos;
        return d < 0 || (d == 0 && a.sequence < b.sequence);
    }
}
