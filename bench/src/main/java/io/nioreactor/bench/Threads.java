package io.nioreactor.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Thread-per-connection executors: platform threads, or virtual threads on Java 21+. */
final class Threads {

    private Threads() {
    }

    static ExecutorService platform() {
        return Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "blocking-echo");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * {@code Executors.newVirtualThreadPerTaskExecutor()}, a public API since Java 21, looked up
     * by name because this module compiles for Java 17.
     *
     * @throws IllegalStateException naming the Java version when it is older than 21
     */
    static ExecutorService virtual() {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("virtual threads need Java 21 or later; this is Java "
                    + Runtime.version().feature() + " (run the server on a newer JDK, e.g. with compare --server-java)");
        }
        try {
            MethodHandle factory = MethodHandles.publicLookup().findStatic(Executors.class,
                    "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
            return (ExecutorService) factory.invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create virtual threads: " + e, e);
        }
    }
}
