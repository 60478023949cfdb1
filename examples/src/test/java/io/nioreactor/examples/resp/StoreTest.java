package io.nioreactor.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared store under clients of several loops at once: sets and increments of a key that
 * exists change its slot by compare-and-set, a removed key's slot is marked gone before it leaves
 * the map; no increment may be lost, whatever removals of the same key or others go on beside it.
 */
class StoreTest {

    private static Key key(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return Key.probe().set(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    private static long value(Store.Entry entry) {
        return entry == null ? 0 : Long.parseLong(new String(entry.value, StandardCharsets.US_ASCII));
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** INCR as Commands runs it: read, add, replace if unchanged meanwhile. */
    private static void increment(Store store, Key key) {
        while (true) {
            Store.Entry old = store.get(key);
            Store.Entry next = new Store.Entry(Long.toString(value(old) + 1).getBytes(StandardCharsets.US_ASCII), 0);
            if (store.replace(key, old, next)) {
                return;
            }
        }
    }

    @Test
    void fourThreadsIncrementingOneKeyLoseNoIncrementWhileAnotherKeyIsSetAndRemoved() throws Exception {
        Store store = new Store();
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(CompletableFuture.runAsync(() -> {
                Key counter = key("counter"); // a probe per thread, as per connection
                for (int i = 0; i < 50_000; i++) {
                    increment(store, counter);
                }
            }, runnable -> new Thread(runnable).start()));
        }
        CompletableFuture<Void> churn = CompletableFuture.runAsync(() -> {
            Key other = key("other");
            for (int i = 0; i < 50_000; i++) {
                store.put(other, new Store.Entry(new byte[] {'1'}, 0));
                store.remove(other);
            }
        }, runnable -> new Thread(runnable).start());
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        churn.get(60, TimeUnit.SECONDS);

        assertEquals(200_000, value(store.get(key("counter"))));
        assertNull(store.get(key("other")), "its last removal came after its last set");
    }

    @org.junit.jupiter.api.RepeatedTest(5) // a lost increment needs a narrow race: give it several chances
    void incrementsRacingRemovalsOfTheSameKeyAreEachCountedOnceInWhatWasRemovedOrWhatIsLeft() throws Exception {
        // Every increment lands either in a value a removal took or in the value left at the end:
        // one that set a slot already marked gone would be counted nowhere.
        Store store = new Store();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(4);
        java.util.concurrent.atomic.AtomicInteger incrementing = new java.util.concurrent.atomic.AtomicInteger(3);
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(CompletableFuture.runAsync(() -> {
                Key counter = key("counter");
                go.countDown();
                awaitQuietly(go);
                for (int i = 0; i < 50_000; i++) {
                    increment(store, counter);
                }
                incrementing.decrementAndGet();
            }, runnable -> new Thread(runnable).start()));
        }
        long[] taken = new long[2]; // the sum of the values removed, and the removals
        CompletableFuture<Void> remover = CompletableFuture.runAsync(() -> {
            Key counter = key("counter");
            go.countDown();
            awaitQuietly(go);
            while (incrementing.get() > 0) {
                Store.Entry removed = store.take(counter);
                if (removed != null) {
                    taken[0] += value(removed);
                    taken[1]++;
                }
            }
        }, runnable -> new Thread(runnable).start());
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        remover.get(60, TimeUnit.SECONDS);

        System.out.printf("[measure] %,d removals took %,d increments; %,d left%n", taken[1], taken[0],
                value(store.get(key("counter"))));
        assertTrue(taken[1] > 0, "the removals raced the increments");
        assertEquals(150_000, taken[0] + value(store.get(key("counter"))));
    }
}
