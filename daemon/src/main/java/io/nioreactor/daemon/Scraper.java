package io.nioreactor.daemon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the scrapes of the metrics endpoint on a thread of its own: one at a time, at most one
 * every 100 ms, each answering every request that was waiting when it began. However many clients
 * ask and however fast, the scrapes (~0.3 ms each) take at most a few thousandths of one core, and
 * the echo loops none; an answer is never older than its request. Any thread.
 */
final class Scraper {

    /** The least time from the end of one scrape to the start of the next. */
    static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A scrape's outcome: the text, or why there is none. */
    record Result(byte[] text, Throwable failure) {
    }

    private final Supplier<String> scrape;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread scraping = new Thread(task, "metrics-scrape");
        scraping.setDaemon(true); // nothing to finish at exit: a scrape cut short is asked again
        return scraping;
    });
    private List<Consumer<Result>> waiting = new ArrayList<>();
    private boolean scheduled;
    private long lastEnded = System.nanoTime() - MIN_INTERVAL_NANOS;

    Scraper(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    /** Asks for a scrape; {@code answer} is called on the scraping thread with the first one that begins after now. */
    synchronized void request(Consumer<Result> answer) {
        waiting.add(answer);
        if (!scheduled) {
            scheduled = true;
            long wait = Math.max(0, lastEnded + MIN_INTERVAL_NANOS - System.nanoTime());
            thread.schedule(this::scrapeForWaiting, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void scrapeForWaiting() {
        List<Consumer<Result>> answering;
        synchronized (this) {
            answering = waiting;
            waiting = new ArrayList<>();
        }
        Result result;
        try {
            result = new Result(scrape.get().getBytes(StandardCharsets.UTF_8), null);
        } catch (Throwable t) { // an Error too: every waiting client gets an answer
            result = new Result(null, t);
        }
        for (Consumer<Result> answer : answering) {
            try {
                answer.accept(result);
            } catch (RuntimeException e) {
                // that client's loop has ended: the others are answered all the same
            }
        }
        synchronized (this) {
            lastEnded = System.nanoTime();
            scheduled = false;
            if (!waiting.isEmpty()) {
                scheduled = true;
                thread.schedule(this::scrapeForWaiting, MIN_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
            }
        }
        if (result.failure() instanceof VirtualMachineError) {
            throw (VirtualMachineError) result.failure();
        }
    }
}
