package com.pb.synth.tradecapture.support;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The tests' own token issuer: a fresh RSA key pair per test JVM, the public half handed to the
 * service as its verification key, the private half signing the tokens the tests send.
 */
public final class Tokens {

    public static final String ISSUER = "https://pb-synth.example/tradecapture";
    private static final KeyPair KEYS = generate();

    private Tokens() {
    }

    /** A valid token for {@code subject} with the given roles, for the next hour. */
    public static String mint(String subject, String... roles) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(Set.of(roles))
                .expiresAt(Instant.now().plusSeconds(3600)).sign(KEYS.getPrivate());
    }

    /** A token that expired a minute ago. */
    public static String expired(String subject, String... roles) {
        return Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(Set.of(roles))
                .issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(60))
                .sign(KEYS.getPrivate());
    }

    /** Writes the verification key as PEM and returns its path. */
    static Path writePublicKey() {
        try {
            Path file = Files.createTempFile("tradecapture-jwt", ".pem");
            file.toFile().deleteOnExit();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(KEYS.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            Files.writeString(file, pem);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
