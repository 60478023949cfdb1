package io.nioreactor.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared store under clients of several loops at once: values changed in place under each
 * key's lock, a removed key's slot marked gone before it leaves the map; no increment may be
 * lost and no value read half-written, whatever goes on beside it.
 */
class StoreTest {

    private static Key key(String name) {
        byte[] bytes = ascii(name);
        return Key.probe().set(ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(Store store, Key key, String value, long expiresAt) {
        byte[] bytes = ascii(value);
        store.put(key, ByteBuffer.wrap(bytes), 0, bytes.length, expiresAt);
    }

    /** {@return the value as text, or null} */
    private static String get(Store store, Key key) {
        String[] value = new String[1];
        store.get(key, (bytes, length) -> value[0] = new String(bytes, 0, length, StandardCharsets.US_ASCII));
        return value[0];
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On a daemon thread of its own: one that never ends cannot keep the test JVM running. */
    private static CompletableFuture<Void> onThread(Runnable work) {
        return CompletableFuture.runAsync(work, runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Whether a test's racing threads may go on: for 30 s at most, whatever the others do. */
    private static boolean before(long deadline) {
        return System.nanoTime() - deadline < 0;
    }

    @Test
    void fourThreadsIncrementingOneKeyLoseNoIncrementWhileAnotherKeyIsSetAndRemoved() throws Exception {
        Store store = new Store();
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(onThread(() -> {
                Key counter = key("counter"); // a probe per thread, as per connection
                for (int i = 0; i < 50_000; i++) {
                    store.add(counter, 1);
                }
            }));
        }
        CompletableFuture<Void> churn = onThread(() -> {
            Key other = key("other");
            for (int i = 0; i < 50_000; i++) {
                put(store, other, "1", 0);
                store.remove(other, null);
            }
        });
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        churn.get(60, TimeUnit.SECONDS);

        assertEquals(200_000, number(get(store, key("counter"))));
        assertNull(get(store, key("other")), "its last removal came after its last set");
    }

    @RepeatedTest(5) // a lost increment needs a narrow race: give it several chances
    void incrementsRacingRemovalsOfTheSameKeyAreEachCountedOnceInWhatWasRemovedOrWhatIsLeft() throws Exception {
        // Every increment lands either in a value a removal took or in the value left at the end:
        // one that set a slot already marked gone would be counted nowhere. The incrementers go on
        // until the remover has taken the key 20 times, so that the two did race.
        Store store = new Store();
        CountDownLatch go = new CountDownLatch(4);
        AtomicInteger incrementing = new AtomicInteger(3);
        AtomicInteger removals = new AtomicInteger();
        AtomicLong increments = new AtomicLong();
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(onThread(() -> {
                Key counter = key("counter");
                go.countDown();
                awaitQuietly(go);
                long done = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while ((done < 50_000 || removals.get() < 20) && before(deadline)) {
                    store.add(counter, 1);
                    done++;
                }
                increments.addAndGet(done);
                incrementing.decrementAndGet();
            }));
        }
        long[] taken = new long[1]; // the sum of the values removed
        CompletableFuture<Void> remover = onThread(() -> {
            Key counter = key("counter");
            go.countDown();
            awaitQuietly(go);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (incrementing.get() > 0 && before(deadline)) {
                if (store.remove(counter, (bytes, length) -> taken[0] += Decimal.parse(bytes, length))) {
                    removals.incrementAndGet();
                }
            }
        });
        CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        remover.get(60, TimeUnit.SECONDS);

        long left = number(get(store, key("counter")));
        System.out.printf("[measure] %,d removals took %,d of %,d increments; %,d left%n", removals.get(), taken[0],
                increments.get(), left);
        assertTrue(removals.get() >= 20, "the removals raced the increments");
        assertEquals(increments.get(), taken[0] + left);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {4096, 64 * 1024})
    void aValueSetWhileOthersReadItIsNeverReadHalfWritten(int size) throws Exception {
        // Two values of one length, set in turn while others read: a small one goes into the same
        // array, read under the key's lock; a large one gets an array of its own and is read
        // without the lock. A read of an array being written would now and then see the one
        // value's start and the other's end.
        Store store = new Store();
        String as = "a".repeat(size);
        String bs = "b".repeat(size);
        put(store, key("k"), as, 0);
        AtomicInteger writing = new AtomicInteger(1);
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> writer = onThread(() -> {
            Key k = key("k");
            for (int i = 0; i < 5_000; i++) {
                put(store, k, i % 2 == 0 ? bs : as, 0);
            }
            writing.set(0);
        });
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            readers.add(onThread(() -> {
                Key k = key("k");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (writing.get() == 1 && before(deadline)) {
                    String value = get(store, k);
                    reads.incrementAndGet();
                    if (!value.equals(as) && !value.equals(bs)) {
                        torn.incrementAndGet();
                    }
                }
            }));
        }
        writer.get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        System.out.printf("[measure] %,d reads of %,d bytes beside 5,000 writes%n", reads.get(), size);
        assertTrue(reads.get() > 100, "the readers ran beside the writer");
        assertEquals(0, torn.get(), "reads that saw two values at once");
    }

    @Test
    void theSweepRemovesExpiredKeysNobodyLooksAtAndLeavesTheRest() {
        Store store = new Store();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 1_000; i++) {
            put(store, key("expired-" + i), "x", now - 1); // past already: nothing here waits on a clock
            put(store, key("kept-" + i), "x", 0);
            put(store, key("later-" + i), "x", now + 3_600_000);
        }
        assertEquals(3_000, store.size());

        int removed = store.sweepExpired(500); // a tick's budget: several ticks to go round
        assertTrue(removed <= 500, "one tick looks at 500 keys at most, removed " + removed);
        for (int tick = 1; tick < 6; tick++) {
            removed += store.sweepExpired(500);
        }
        assertEquals(1_000, removed);
        assertEquals(2_000, store.size(), "the expired keys are gone from the map, not only hidden");
        assertEquals("x", get(store, key("kept-7")));
        assertEquals("x", get(store, key("later-7")));
    }
}
