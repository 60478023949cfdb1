package io.nioreactor.bench;

import io.nioreactor.core.TcpOptions;
import io.nioreactor.core.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The bench's TLS: a self-signed EC P-256 certificate for {@code localhost} and 127.0.0.1, made
 * with BouncyCastle on first use and kept in a PKCS#12 file of the temporary folder, so that the
 * servers {@code compare} starts and the loads it runs (each a JVM of its own) present and trust
 * the same one. Both sides use the JDK's own provider.
 */
final class BenchTls {

    static final Path STORE = Path.of(System.getProperty("java.io.tmpdir"), "nioreactor-bench-tls.p12");
    private static final char[] PASSWORD = "nioreactor-bench".toCharArray();
    private static KeyStore store;

    private BenchTls() {
    }

    /** @return a server context presenting the bench's certificate */
    static SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store(), PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** @return the key managers of the bench's certificate, for Netty's {@code SslContextBuilder} */
    static KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store(), PASSWORD);
        return keys;
    }

    /** @return TCP options for a load: TLS trusting the bench's certificate, host name checked */
    static TcpOptions clientOptions() throws IOException, GeneralSecurityException {
        return TcpOptions.builder().tls(TlsOptions.client(clientContext()).build()).build();
    }

    /** @return a client context trusting the bench's certificate */
    static SSLContext clientContext() throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static synchronized KeyStore store() throws IOException, GeneralSecurityException {
        if (store == null) {
            if (!Files.exists(STORE)) {
                create();
            }
            KeyStore loaded = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(STORE)) {
                loaded.load(in, PASSWORD);
            }
            store = loaded;
        }
        return store;
    }

    /** Writes a new key and certificate, atomically: a process starting beside this one reads a whole file. */
    private static void create() throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate certificate;
        try {
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        KeyStore created = KeyStore.getInstance("PKCS12");
        created.load(null, null);
        created.setKeyEntry("bench", pair.getPrivate(), PASSWORD, new X509Certificate[] {certificate});
        Path temporary = Files.createTempFile(STORE.getParent(), "nioreactor-bench-tls", ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            created.store(out, PASSWORD);
        }
        Files.move(temporary, STORE, StandardCopyOption.ATOMIC_MOVE);
    }
}
