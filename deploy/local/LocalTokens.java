import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The local stack's token issuer (not part of the service).
 *   java -cp 'target/local-stack/lib/*' deploy/local/LocalTokens.java keys DIR            RSA key pair, once
 *   java -cp 'target/local-stack/lib/*' deploy/local/LocalTokens.java token DIR SUB HOURS ROLE...
 */
public class LocalTokens {

    static final String ISSUER = "https://pb-synth.example/tradecapture";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if ("keys".equals(args[0])) {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Files.writeString(dir.resolve("private.pem"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
            return;
        }
        String pem = Files.readString(dir.resolve("private.pem")).replaceAll("-----[A-Z ]+-----|\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        String subject = args[2];
        Duration lifetime = Duration.ofHours(Long.parseLong(args[3]));
        Set<String> roles = Set.of(java.util.Arrays.copyOfRange(args, 4, args.length));
        System.out.println(Jwt.issuer(ISSUER).subject(subject).upn(subject).groups(roles)
                .expiresAt(Instant.now().plus(lifetime)).sign(key));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
