package io.nioreactor.tcp;

import io.nioreactor.core.TlsOptions;
import io.nioreactor.daemon.CommonOptions;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import picocli.CommandLine.Option;

/**
 * The TLS flags of a daemon: a PEM certificate chain and key ({@code --tls-cert},
 * {@code --tls-key}, {@code --tls-key-password-file}) or a PKCS#12 key store
 * ({@code --tls-keystore}, {@code --tls-password-file}); and whose engine serves it
 * ({@code --tls-provider}).
 */
public final class TlsFlags {

    @Option(names = "--tls-cert", order = 40, paramLabel = "FILE",
            description = "Serve TLS with this PEM certificate chain (the server's certificate first), with --tls-key.")
    private Path certFile;

    @Option(names = "--tls-key", order = 41, paramLabel = "FILE",
            description = "The PEM private key of --tls-cert: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), in clear or encrypted.")
    private Path keyFile;

    @Option(names = "--tls-key-password-file", order = 42, paramLabel = "FILE",
            description = "The password of an encrypted --tls-key, on the file's first line.")
    private Path keyPasswordFile;

    @Option(names = "--tls-keystore", order = 43, paramLabel = "FILE.p12",
            description = "Serve TLS with the key and chain of this PKCS#12 key store, with --tls-password-file.")
    private Path keystoreFile;

    @Option(names = "--tls-password-file", order = 44, paramLabel = "FILE",
            description = "The password of --tls-keystore, on the file's first line.")
    private Path keystorePasswordFile;

    @Option(names = "--tls-provider", order = 45, paramLabel = "jdk|openssl",
            description = "Whose TLS engine serves: jdk (the default: the JDK's own) or openssl (BoringSSL through"
                    + " Netty, Linux x86-64 and AArch64: 1.8 to 4 times the full handshakes per second, no faster"
                    + " once connected; its memory is native, outside --memory-budget).")
    private TlsProvider provider;

    /** @return whether any TLS flag was given */
    public boolean enabled() {
        return certFile != null || keyFile != null || keystoreFile != null || keyPasswordFile != null
                || keystorePasswordFile != null || provider != null;
    }

    /** @return the engine that serves the TLS: the one asked for, else the JDK's */
    public TlsProvider provider() {
        return provider == null ? TlsProvider.JDK : provider;
    }

    /**
     * The server's TLS options from the flags, or {@code null} without TLS flags.
     *
     * @param common for the one-line usage errors
     * @return the options, or {@code null}
     * @throws picocli.CommandLine.ParameterException naming the flag and the file when a file or a password is wrong
     */
    public TlsOptions serverOptions(CommonOptions common) {
        if (!enabled()) {
            return null;
        }
        // a flag that belongs to another is named first: the user gave it, not the one it needs
        common.check(keyPasswordFile == null || keyFile != null, "--tls-key-password-file", "it is the password of --tls-key");
        common.check(keystorePasswordFile == null || keystoreFile != null, "--tls-password-file",
                "it is the password of --tls-keystore");
        common.check(provider == null || keystoreFile != null || certFile != null || keyFile != null, "--tls-provider",
                "it chooses the engine for --tls-cert with --tls-key, or --tls-keystore: give them too");
        common.check(keystoreFile == null || (certFile == null && keyFile == null), "--tls-keystore",
                "give either --tls-keystore or --tls-cert with --tls-key, not both");
        common.check(keystoreFile != null || (certFile != null && keyFile != null), certFile == null ? "--tls-cert" : "--tls-key",
                "--tls-cert and --tls-key go together");
        common.check(keystoreFile == null || keystorePasswordFile != null, "--tls-password-file",
                "--tls-keystore needs its password in --tls-password-file");
        KeyManagerFactory keys;
        try {
            keys = keystoreFile != null
                    ? KeyMaterial.fromPkcs12(keystoreFile, KeyMaterial.password("--tls-password-file", keystorePasswordFile))
                    : KeyMaterial.fromPem(certFile, keyFile,
                            keyPasswordFile == null ? null : KeyMaterial.password("--tls-key-password-file", keyPasswordFile));
        } catch (KeyMaterial.Invalid e) {
            common.check(false, e.flag(), e.getMessage());
            throw new AssertionError("unreachable");
        }
        try {
            return TlsOptions.server(provider().serverContext(keys)).build();
        } catch (GeneralSecurityException | IllegalStateException e) {
            common.check(false, "--tls-provider", provider().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
