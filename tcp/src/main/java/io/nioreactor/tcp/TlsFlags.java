package io.nioreactor.tcp;

import io.nioreactor.core.TlsOptions;
import io.nioreactor.daemon.CommonOptions;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * The TLS flags of a daemon: a PEM certificate chain and key ({@code --tls-cert},
 * {@code --tls-key}, {@code --tls-key-password-file}) or a PKCS#12 key store
 * ({@code --tls-keystore}, {@code --tls-password-file}).
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

    /** @return whether any TLS flag was given */
    public boolean enabled() {
        return certFile != null || keyFile != null || keystoreFile != null || keyPasswordFile != null
                || keystorePasswordFile != null;
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
        common.check(keystoreFile == null || (certFile == null && keyFile == null), "--tls-keystore",
                "give either --tls-keystore or --tls-cert with --tls-key, not both");
        common.check(keystoreFile != null || (certFile != null && keyFile != null), certFile == null ? "--tls-cert" : "--tls-key",
                "--tls-cert and --tls-key go together");
        common.check(keystoreFile == null || keystorePasswordFile != null, "--tls-password-file",
                "--tls-keystore needs its password in --tls-password-file");
        common.check(keyPasswordFile == null || keyFile != null, "--tls-key-password-file", "it is the password of --tls-key");
        common.check(keystorePasswordFile == null || keystoreFile != null, "--tls-password-file",
                "it is the password of --tls-keystore");
        try {
            SSLContext context = keystoreFile != null
                    ? KeyMaterial.fromPkcs12(keystoreFile, KeyMaterial.password("--tls-password-file", keystorePasswordFile))
                    : KeyMaterial.fromPem(certFile, keyFile,
                            keyPasswordFile == null ? null : KeyMaterial.password("--tls-key-password-file", keyPasswordFile));
            return TlsOptions.server(context).build();
        } catch (KeyMaterial.Invalid e) {
            common.check(false, e.flag(), e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
