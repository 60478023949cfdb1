package io.nioreactor.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMDecryptorProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A server's key and certificate chain, read as {@code openssl} and ACME clients write them (PEM:
 * a chain of certificates; a private key in PKCS#8, PKCS#1 for RSA or SEC1 for EC, optionally
 * encrypted), or from a PKCS#12 key store; made into a {@link KeyManagerFactory}, from which a
 * {@link TlsProvider} makes the server's {@link javax.net.ssl.SSLContext}. Parsing is BouncyCastle's.
 * Every refusal is an {@link Invalid} naming the file and what is wrong with it.
 */
public final class KeyMaterial {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** A key or certificate file that cannot be used, with the flag that named it. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final String flag;

        Invalid(String flag, Path file, String why) {
            super(file + ": " + why);
            this.flag = flag;
        }

        /** @return the flag that named the file */
        public String flag() {
            return flag;
        }
    }

    private KeyMaterial() {
    }

    /**
     * The key and chain of PEM files.
     *
     * @param certFile    the certificate chain, the server's first
     * @param keyFile     the private key
     * @param keyPassword the key's password, or {@code null} for a key in clear
     * @return initialised key managers presenting that key and chain
     * @throws Invalid if a file is missing, holds no certificate or key, cannot be decrypted, or
     *                 the key does not belong to the certificate
     */
    public static KeyManagerFactory fromPem(Path certFile, Path keyFile, char[] keyPassword) throws Invalid {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile, keyPassword);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new Invalid("--tls-key", keyFile, "this key does not belong to the certificate in " + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] storePassword = new char[0];
            store.setKeyEntry("server", key, storePassword, chain.toArray(X509Certificate[]::new));
            return keyManagers(store, storePassword);
        } catch (GeneralSecurityException | IOException e) {
            throw new Invalid("--tls-key", keyFile, "cannot be used for TLS: " + e.getMessage());
        }
    }

    /**
     * The key and chain of a PKCS#12 key store holding one key.
     *
     * @param storeFile the {@code .p12} file
     * @param password  its password
     * @return initialised key managers
     * @throws Invalid if the file is missing, not PKCS#12, the password is wrong, or it holds no key
     */
    public static KeyManagerFactory fromPkcs12(Path storeFile, char[] password) throws Invalid {
        KeyStore store;
        try (InputStream in = Files.newInputStream(storeFile)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new Invalid("--tls-keystore", storeFile, "no such file");
        } catch (IOException | GeneralSecurityException e) {
            throw new Invalid("--tls-keystore", storeFile, "not a PKCS#12 key store, or the password from"
                    + " --tls-password-file is wrong (" + e.getMessage() + ")");
        }
        try {
            boolean hasKey = false;
            for (String alias : java.util.Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new Invalid("--tls-keystore", storeFile, "holds no private key, only certificates");
            }
            return keyManagers(store, password);
        } catch (GeneralSecurityException e) {
            throw new Invalid("--tls-keystore", storeFile, "its key cannot be read with that password (" + e.getMessage() + ")");
        }
    }

    /**
     * Reads a password file: its first line, without the line end.
     *
     * @param flag the flag that named it, for the error
     * @param file the file
     * @return the password
     * @throws Invalid if it cannot be read or is empty
     */
    public static char[] password(String flag, Path file) throws Invalid {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new Invalid(flag, file, "the password file is empty");
            }
            return line.toCharArray();
        } catch (NoSuchFileException e) {
            throw new Invalid(flag, file, "no such file");
        } catch (IOException e) {
            throw new Invalid(flag, file, "cannot be read: " + e.getMessage());
        }
    }

    private static KeyManagerFactory keyManagers(KeyStore store, char[] password) throws GeneralSecurityException {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        return keys;
    }

    private static List<X509Certificate> certificates(Path file) throws Invalid {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof X509CertificateHolder) {
                    chain.add(converter.getCertificate((X509CertificateHolder) object));
                }
            }
        } catch (NoSuchFileException e) {
            throw new Invalid("--tls-cert", file, "no such file");
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new Invalid("--tls-cert", file, "not a PEM certificate chain (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new Invalid("--tls-cert", file, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file, char[] password) throws Invalid {
        Object object;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            do {
                object = pem.readObject();
            } while (object != null && !isKey(object));
        } catch (NoSuchFileException e) {
            throw new Invalid("--tls-key", file, "no such file");
        } catch (IOException e) {
            throw new Invalid("--tls-key", file, "not a PEM private key (" + e.getMessage() + ")");
        }
        if (object == null) {
            throw new Invalid("--tls-key", file, "holds no PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)");
        }
        boolean encrypted = object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair;
        if (encrypted && password == null) {
            throw new Invalid("--tls-key", file, "the key is encrypted: give its password with --tls-key-password-file");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
        try {
            if (object instanceof PKCS8EncryptedPrivateKeyInfo) {
                InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password);
                object = ((PKCS8EncryptedPrivateKeyInfo) object).decryptPrivateKeyInfo(decryptor);
            } else if (object instanceof PEMEncryptedKeyPair) {
                PEMDecryptorProvider decryptor = new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password);
                object = ((PEMEncryptedKeyPair) object).decryptKeyPair(decryptor);
            }
            PrivateKey key = object instanceof PEMKeyPair ? converter.getKeyPair((PEMKeyPair) object).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) object);
            return toJdkKey(key);
        } catch (PKCSException | OperatorCreationException | IOException e) {
            throw new Invalid("--tls-key", file, encrypted
                    ? "cannot decrypt the key with the password from --tls-key-password-file"
                    : "not a usable private key (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new Invalid("--tls-key", file, "not a usable private key (" + e.getMessage() + ")");
        }
    }

    private static boolean isKey(Object object) {
        return object instanceof PrivateKeyInfo || object instanceof PEMKeyPair
                || object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair;
    }

    /** The same key as a JDK key object, so that the JDK's TLS signs with it without BouncyCastle. */
    private static PrivateKey toJdkKey(PrivateKey key) throws GeneralSecurityException {
        String algorithm = key instanceof ECKey ? "EC" : key.getAlgorithm();
        return java.security.KeyFactory.getInstance(algorithm)
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    }

    /** Whether a signature made with the key verifies with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, PublicKey certified) {
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // another kind of key: the handshake will tell
        }
        try {
            byte[] probe = "nioreactor key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
