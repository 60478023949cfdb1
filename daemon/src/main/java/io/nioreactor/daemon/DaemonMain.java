package io.nioreactor.daemon;

import io.nioreactor.core.LoopOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Runs a daemon's picocli command with the conventions both daemons follow: a bad flag exits 2
 * with one line naming it and a hint to {@code --help}, no stack trace.
 */
public final class DaemonMain {

    /** Exit code for a bad flag or value. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the daemon cannot start, for instance when the address is taken. */
    public static final int EXIT_FAILURE = 1;

    private DaemonMain() {
    }

    /**
     * Parses {@code args} into {@code command} and calls it.
     *
     * @param command the annotated command
     * @param args    the command line
     * @return the exit code
     */
    public static int run(Callable<Integer> command, String... args) {
        // For --help: the default send budget on this JVM, as --max-queued's description says it.
        System.setProperty("nioreactor.defaultMaxQueued", Rates.bytes(LoopOptions.defaultMaxQueuedBytes()));
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(e.getMessage() + " (try --help)");
            err.flush();
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    /**
     * A usage error raised after parsing, for a value that only the command can judge.
     *
     * @param spec    the command's spec, for its command line
     * @param message what is wrong, naming the flag
     * @return the exception to throw
     */
    public static CommandLine.ParameterException usageError(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
