package io.nioreactor.daemon;

import io.nioreactor.core.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT shut the loop down gracefully, then the process exits 0.
 *
 * <p>The JVM runs shutdown hooks on those signals but would then exit 143 or 130; a daemon
 * that stopped cleanly should say so, so the hook ends the process with status 0 itself once
 * the loop has terminated (or the timeout has passed).
 */
public final class GracefulExit {

    private static final Logger log = LoggerFactory.getLogger(GracefulExit.class);

    private GracefulExit() {
    }

    /**
     * Installs the shutdown hook for {@code loops}.
     *
     * @param loops   the daemon's loops
     * @param timeout how long connections may take to finish before the rest are reset
     * @param pidFile the pid file to remove at the exit, or {@code null}
     */
    public static void install(EventLoopGroup loops, Duration timeout, Path pidFile) {
        Thread hook = new Thread(() -> {
            log.info("shutting down (timeout {} ms)", timeout.toMillis());
            int status = 0;
            try {
                loops.shutdownGracefully(timeout).get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
                log.info("stopped: {}", loops.metrics());
            } catch (Exception e) {
                log.error("shutdown did not complete cleanly: {}", e.toString());
                status = 1;
            }
            if (pidFile != null) {
                removeIfOurs(pidFile);
            }
            System.out.flush();
            Runtime.getRuntime().halt(status);
        }, "graceful-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Removes the pid file if it still names this process: after a hand-over, the new daemon has written its own. */
    static void removeIfOurs(Path pidFile) {
        try {
            if (Files.readString(pidFile).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.delete(pidFile);
            }
        } catch (NoSuchFileException gone) {
            // removed already: nothing to do
        } catch (IOException | RuntimeException e) {
            log.warn("cannot remove the pid file {}: {}", pidFile, e.toString());
        }
    }
}
