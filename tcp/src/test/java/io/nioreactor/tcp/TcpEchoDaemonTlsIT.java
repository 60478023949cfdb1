package io.nioreactor.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nioreactor.daemon.DaemonProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The daemon serving TLS from the key files {@code openssl} writes: RSA and EC keys in each PEM
 * form (PKCS#8, PKCS#1, SEC1, encrypted), a chain through an intermediate CA, a PKCS#12 store;
 * talked to by the JDK's {@code SSLSocket} and by {@code openssl s_client}; and the one-line
 * refusals of files that do not fit.
 */
class TcpEchoDaemonTlsIT {

    private static final Path JAR = TcpEchoDaemonIT.JAR;

    @TempDir
    static Path dir;

    private static SSLContext client;

    @BeforeAll
    static void makeKeys() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.crt",
                "-subj", "/CN=test-root", "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "inter.key",
                "-out", "inter.csr", "-subj", "/CN=test-intermediate");
        Files.writeString(dir.resolve("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n");
        openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.crt", "-CAkey", "root.key", "-CAcreateserial",
                "-out", "inter.crt", "-days", "2", "-extfile", "ca.ext");

        openssl("genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa-pkcs1.key", "-out", "rsa-pkcs8.key");
        openssl("rsa", "-in", "rsa-pkcs1.key", "-aes256", "-traditional", "-out", "rsa-pkcs1-encrypted.key",
                "-passout", "pass:s3cret");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec-sec1.key");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec-sec1.key", "-out", "ec-pkcs8.key");
        openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "ec-sec1.key", "-out", "ec-pkcs8-encrypted.key",
                "-passout", "pass:s3cret");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        for (String kind : List.of("rsa", "ec")) {
            String key = kind.equals("rsa") ? "rsa-pkcs1.key" : "ec-sec1.key";
            openssl("req", "-new", "-key", key, "-out", kind + ".csr", "-subj", "/CN=localhost");
            openssl("x509", "-req", "-in", kind + ".csr", "-CA", "inter.crt", "-CAkey", "inter.key", "-CAcreateserial",
                    "-out", kind + ".crt", "-days", "2", "-extfile", "server.ext");
            // The chain as ACME clients write it: the server's certificate, then the intermediate.
            Files.writeString(dir.resolve(kind + "-chain.pem"), Files.readString(dir.resolve(kind + ".crt"))
                    + Files.readString(dir.resolve("inter.crt")));
        }
        openssl("pkcs12", "-export", "-in", "ec.crt", "-inkey", "ec-sec1.key", "-certfile", "inter.crt",
                "-out", "server.p12", "-passout", "pass:s3cret");
        Files.writeString(dir.resolve("password.txt"), "s3cret\n");
        Files.writeString(dir.resolve("wrong-password.txt"), "guess\n");
        client = trusting(dir.resolve("root.crt"));
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static DaemonProcess start(String... tlsFlags) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        for (String flag : tlsFlags) {
            args.add(flag.startsWith("--") ? flag : dir.resolve(flag).toString());
        }
        return DaemonProcess.start(JAR, args.toArray(String[]::new));
    }

    private static byte[] echo(int port, byte[] sent) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(sent);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = socket.getInputStream().readNBytes(sent.length);
            writer.get(30, TimeUnit.SECONDS);
            return back;
        }
    }

    @ParameterizedTest(name = "{0} + {1} {2} on {3}")
    @CsvSource({
        "rsa-chain.pem, rsa-pkcs1.key, , JDK",
        "rsa-chain.pem, rsa-pkcs8.key, , JDK",
        "rsa-chain.pem, rsa-pkcs1-encrypted.key, password.txt, JDK",
        "ec-chain.pem, ec-sec1.key, , JDK",
        "ec-chain.pem, ec-pkcs8.key, , JDK",
        "ec-chain.pem, ec-pkcs8-encrypted.key, password.txt, JDK",
        "rsa-chain.pem, rsa-pkcs1.key, , OPENSSL",
        "rsa-chain.pem, rsa-pkcs1-encrypted.key, password.txt, OPENSSL",
        "ec-chain.pem, ec-sec1.key, , OPENSSL",
        "ec-chain.pem, ec-pkcs8-encrypted.key, password.txt, OPENSSL",
    })
    void eachPemFormServesTlsWithTheChain(String cert, String key, String password, TlsProvider provider)
            throws Exception {
        assumeOpenSslWhere(provider);
        // In this JVM, for speed: the daemon's own reading of the files, serving the daemon's echo.
        javax.net.ssl.SSLContext context = provider.serverContext(KeyMaterial.fromPem(dir.resolve(cert),
                dir.resolve(key),
                password == null ? null : KeyMaterial.password("--tls-key-password-file", dir.resolve(password))));
        String engine = context.createSSLEngine().getClass().getName();
        assertEquals(provider == TlsProvider.OPENSSL, engine.startsWith("io.netty.handler.ssl."), engine);
        io.nioreactor.core.EventLoop loop = io.nioreactor.core.EventLoop.start("pem-" + key);
        try {
            io.nioreactor.core.TcpOptions options = io.nioreactor.core.TcpOptions.builder()
                    .tls(io.nioreactor.core.TlsOptions.server(context).build()).build();
            int port = ((java.net.InetSocketAddress) loop.listenTcp(new java.net.InetSocketAddress("127.0.0.1", 0), options,
                    c -> EchoHandler.INSTANCE).join().localAddress()).getPort();
            byte[] sent = new byte[20_000];
            new Random(key.hashCode()).nextBytes(sent);
            assertArrayEquals(sent, echo(port, sent)); // the client trusts only the root: the chain was sent
        } finally {
            loop.shutdownGracefully(Duration.ofSeconds(2)).join();
        }
    }

    @Test
    void theJarServesTlsFromPemFilesToSslSocketAndOpensslAndExitsZeroOnSigterm() throws Exception {
        try (DaemonProcess daemon = start("--tls-cert", "ec-chain.pem", "--tls-key", "ec-pkcs8-encrypted.key",
                "--tls-key-password-file", "password.txt")) {
            String[] start = daemon.awaitStartLine();
            assertEquals("tls", start[0], daemon.stdout().toString());
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("TLS by the JDK's engine")),
                    daemon.stdout().toString());
            int port = daemon.awaitPort();
            byte[] sent = new byte[100_000];
            new Random(9).nextBytes(sent);
            assertArrayEquals(sent, echo(port, sent));
            assertEquals("hello through openssl\nand a second line\n",
                    throughOpenssl(port, "hello through openssl\nand a second line\n"));
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
        }
    }

    @Test
    void theJarServesTlsOnOpensslsEngineWhenAskedToSslSocketAndOpenssl() throws Exception {
        assumeOpenSslWhere(TlsProvider.OPENSSL);
        try (DaemonProcess daemon = start("--tls-provider=openssl", "--tls-keystore", "server.p12",
                "--tls-password-file", "password.txt")) {
            int port = daemon.awaitPort();
            assertTrue(daemon.stdout().stream().anyMatch(l -> l.contains("TLS by OpenSSL's engine (BoringSSL")),
                    daemon.stdout().toString());
            byte[] sent = new byte[1 << 20];
            new Random(13).nextBytes(sent);
            assertArrayEquals(sent, echo(port, sent));
            assertEquals("through BoringSSL\n", throughOpenssl(port, "through BoringSSL\n"));
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(Duration.ofSeconds(20)));
        }
    }

    @Test
    void servesTlsFromAPkcs12Store() throws Exception {
        try (DaemonProcess daemon = start("--tls-keystore", "server.p12", "--tls-password-file", "password.txt")) {
            int port = daemon.awaitPort();
            byte[] sent = new byte[1 << 20];
            new Random(12).nextBytes(sent);
            assertArrayEquals(sent, echo(port, sent));
        }
    }

    /** Skips, with Netty's reason, where OpenSSL's engine is asked for and cannot load (not Linux x86-64 or AArch64). */
    private static void assumeOpenSslWhere(TlsProvider provider) {
        org.junit.jupiter.api.Assumptions.assumeTrue(provider != TlsProvider.OPENSSL || io.netty.handler.ssl.OpenSsl.isAvailable(),
                () -> "OpenSSL's engine cannot load here: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause());
    }

    /** Sends {@code text} through {@code openssl s_client} and returns as many bytes as came back. */
    private static String throughOpenssl(int port, String text) throws Exception {
        // -quiet implies -ign_eof: s_client never ends by itself; it is stopped once the echo is read.
        Process sClient = new ProcessBuilder("openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + port,
                "-CAfile", dir.resolve("root.crt").toString(), "-verify_return_error")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            sClient.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            sClient.getOutputStream().flush();
            byte[] back = new byte[text.length()];
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return sClient.getInputStream().readNBytes(back, 0, back.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int n = read.get(20, TimeUnit.SECONDS);
            return new String(back, 0, n, StandardCharsets.US_ASCII);
        } finally {
            sClient.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong key password | --tls-cert rsa-chain.pem --tls-key rsa-pkcs1-encrypted.key --tls-key-password-file wrong-password.txt"
                + " | --tls-key | rsa-pkcs1-encrypted.key: cannot decrypt the key with the password from --tls-key-password-file",
        "encrypted key, no password | --tls-cert ec-chain.pem --tls-key ec-pkcs8-encrypted.key"
                + " | --tls-key | ec-pkcs8-encrypted.key: the key is encrypted: give its password with --tls-key-password-file",
        "key of another certificate | --tls-cert rsa-chain.pem --tls-key ec-sec1.key"
                + " | --tls-key | ec-sec1.key: this key does not belong to the certificate in ",
        "no such certificate file | --tls-cert missing.pem --tls-key ec-sec1.key"
                + " | --tls-cert | missing.pem: no such file",
        "a key where the certificate goes | --tls-cert ec-sec1.key --tls-key ec-sec1.key"
                + " | --tls-cert | ec-sec1.key: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        "a certificate where the key goes | --tls-cert ec-chain.pem --tls-key ec-chain.pem"
                + " | --tls-key | ec-chain.pem: holds no PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)",
        "wrong store password | --tls-keystore server.p12 --tls-password-file wrong-password.txt"
                + " | --tls-keystore | server.p12: not a PKCS#12 key store, or the password from --tls-password-file is wrong",
        "certificate without key | --tls-cert ec-chain.pem"
                + " | --tls-key | --tls-cert and --tls-key go together",
        "a key store password without its store | --tls-password-file password.txt"
                + " | --tls-password-file | --tls-password-file': it is the password of --tls-keystore (try --help)",
        "an engine without keys | --tls-provider=openssl"
                + " | --tls-provider | --tls-cert with --tls-key, or --tls-keystore: give them too",
        "an engine nobody makes | --tls-provider=boring --tls-keystore server.p12 --tls-password-file password.txt"
                + " | --tls-provider | --tls-provider': expected one of [JDK, OPENSSL] (case-insensitive) but was 'boring'",
    })
    void aFileThatDoesNotFitExitsTwoWithOneLineNamingIt(String what, String flags, String flag, String message) {
        // In this JVM, for speed: the same parsing and exit code as the jar, whose process is checked below.
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        for (String word : flags.trim().split(" ")) {
            args.add(word.startsWith("--") ? word : dir.resolve(word).toString());
        }
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stderr = System.err;
        int exit;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            exit = io.nioreactor.daemon.DaemonMain.run(new TcpEchoDaemon(), args.toArray(String[]::new));
        } finally {
            System.setErr(stderr);
        }
        List<String> errors = err.toString(StandardCharsets.UTF_8).lines().collect(java.util.stream.Collectors.toList());
        assertEquals(2, exit, what + ": " + errors);
        assertEquals(1, errors.size(), what + ": " + errors);
        String line = errors.get(0);
        assertTrue(line.startsWith("Invalid value for option '" + flag.trim() + "': "), what + ": " + line);
        assertTrue(line.contains(message.trim().startsWith("--") ? message.trim() : dir.resolve(message.trim()).toString()),
                what + ": " + line);
    }

    @Test
    void theJarExitsTwoWithOneLineForAWrongKeyPassword() throws Exception {
        try (DaemonProcess daemon = start("--tls-cert", "rsa-chain.pem", "--tls-key", "rsa-pkcs1-encrypted.key",
                "--tls-key-password-file", "wrong-password.txt")) {
            assertEquals(2, daemon.awaitExit(Duration.ofSeconds(30)), daemon.stdout() + " " + daemon.stderr());
            assertEquals(List.of("Invalid value for option '--tls-key': " + dir.resolve("rsa-pkcs1-encrypted.key")
                    + ": cannot decrypt the key with the password from --tls-key-password-file (try --help)"), daemon.stderr());
        }
    }
}
