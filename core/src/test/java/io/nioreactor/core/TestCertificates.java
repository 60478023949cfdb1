package io.nioreactor.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Keys and certificates for the TLS tests, made once per test JVM by {@code openssl} (on every
 * fresh machine) in a temporary folder: a test CA, a server certificate from it for
 * {@code localhost} and 127.0.0.1, one for another host name, a client certificate, and a
 * server certificate from a CA no one trusts.
 */
final class TestCertificates {

    static final char[] PASSWORD = "changeit".toCharArray();
    private static TestCertificates instance;

    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static synchronized TestCertificates get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("nioreactor-tls");
                dir.toFile().deleteOnExit();
                TestCertificates made = new TestCertificates(dir);
                made.make();
                instance = made;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private void make() throws IOException {
        ca("ca");
        ca("stranger-ca");
        signed("server", "ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        signed("other-host", "ca", "other.example", "subjectAltName=DNS:other.example");
        signed("untrusted", "stranger-ca", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        signed("client", "ca", "test-client", "extendedKeyUsage=clientAuth");
    }

    private void ca(String name) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-subj", "/CN=" + name, "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    }

    private void signed(String name, String ca, String commonName, String extensions) throws IOException {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + commonName);
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
        openssl("pkcs12", "-export", "-in", name + ".crt", "-inkey", name + ".key", "-certfile", ca + ".crt",
                "-out", name + ".p12", "-passout", "pass:" + new String(PASSWORD), "-name", name);
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A context that presents {@code keyName}'s certificate (or none) and trusts {@code trustedCa} (or nothing). */
    SSLContext context(String keyName, String trustedCa) {
        try {
            KeyManagerFactory keys = null;
            if (keyName != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(dir.resolve(keyName + ".p12"))) {
                    store.load(in, PASSWORD);
                }
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, PASSWORD);
            }
            TrustManagerFactory trust = null;
            if (trustedCa != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry(trustedCa, certificate(trustedCa));
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a TLS context from " + dir, e);
        }
    }

    /** The server's context: the server certificate (from "ca"), trusting "ca" for client certificates. */
    SSLContext server() {
        return context("server", "ca");
    }

    /** A client's context trusting "ca", with no certificate of its own. */
    SSLContext client() {
        return context(null, "ca");
    }

    X509Certificate certificate(String name) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(e);
        }
    }
}
