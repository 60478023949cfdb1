package io.nioreactor.bench;

import io.nioreactor.daemon.DaemonMain;
import io.nioreactor.daemon.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code java -jar bench/target/bench.jar COMMAND}: load generators, peer servers, compare. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measures this reactor, and compares it with Netty, blocking and virtual-thread servers.",
        subcommands = {TcpCommand.class, UdpCommand.class, IdleCommand.class, ServerCommand.class, ScalingCommand.class,
            CompareCommand.class, PlotCommand.class, HelpCommand.class})
public final class BenchMain implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /**
     * Runs a bench command.
     *
     * @param args the command and its flags; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(DaemonMain.run(new BenchMain(), args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return DaemonMain.EXIT_USAGE;
    }
}
