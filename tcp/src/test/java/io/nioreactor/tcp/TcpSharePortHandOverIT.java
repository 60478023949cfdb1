package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import io.nioreactor.daemon.SocketActivation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hand-over with {@code --share-port} (the new daemon binds the port beside the old one, then
 * the old one gets SIGTERM) loses no connection where Linux lets the kernel move the connections
 * queued on the closing listener ({@code net.ipv4.tcp_migrate_req=1}). The sysctl is per network
 * namespace: the trial runs in one of its own, made by {@code unshare} as an unprivileged user's
 * namespace, so the machine's own setting is never touched.
 */
@Timeout(120)
class TcpSharePortHandOverIT {

    private static final String NAMESPACE_SETUP = "ip link set lo up && echo 1 > /proc/sys/net/ipv4/tcp_migrate_req";

    @Test
    void withTcpMigrateReqAHandOverUnderLoadLosesNoConnection() throws Exception {
        assumeNamespaceWithMigration();
        int handovers = Integer.getInteger("handovers", 3);
        List<String> command = new ArrayList<>(List.of("unshare", "-rn", "sh", "-c", NAMESPACE_SETUP + " && exec \"$@\"",
                "trial", SocketActivation.javaCommand(), "-cp", System.getProperty("java.class.path"),
                "io.nioreactor.daemon.HandOverTrial", "--share-port", "7007", "--target", "127.0.0.1:7007",
                "--handovers", Integer.toString(handovers), "--"));
        command.addAll(SocketActivation.java(TcpEchoDaemonIT.JAR.toAbsolutePath(), "--threads", "2"));
        try (DaemonProcess trial = DaemonProcess.startCommand(command, Map.of())) {
            assertEquals(0, trial.awaitExit(Duration.ofSeconds(100)), String.join("\n", trial.stderr()));
            String summary = TcpSocketActivationIT.summary(trial.stderr());
            System.out.println("[measure] --share-port with tcp_migrate_req=1, " + handovers + " hand-overs under 4"
                    + " clients connecting in a loop: " + summary);
            assertTrue(summary.contains(" failures=0 "), String.join("\n", trial.stderr()));
            assertTrue(summary.contains(" exits=[" + "0, ".repeat(handovers - 1) + "0]"), summary);
        }
    }

    /** Skips, with one line, where no network namespace can be made or the sysctl set in it. */
    private static void assumeNamespaceWithMigration() throws IOException, InterruptedException {
        int exit;
        try {
            Process probe = new ProcessBuilder("unshare", "-rn", "sh", "-c", NAMESPACE_SETUP)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            exit = probe.waitFor();
        } catch (IOException e) {
            exit = -1; // no unshare
        }
        if (exit != 0) {
            System.out.println("[skip] cannot make a network namespace with net.ipv4.tcp_migrate_req=1 here"
                    + " (unshare -rn, then ip link and the sysctl, exited " + exit + "): the lossless --share-port"
                    + " hand-over is not tested");
        }
        Assumptions.assumeTrue(exit == 0, "no network namespace with tcp_migrate_req=1");
    }
}
