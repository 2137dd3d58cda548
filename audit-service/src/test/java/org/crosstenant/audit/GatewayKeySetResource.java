package org.crosstenant.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.crosstenant.stack.infra.jwt.RsaKeys;
import org.crosstenant.stack.infra.testing.FederatedTokens;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Makes the service verify federated tokens with a JWK set file, as the chart mounts one during a gateway key rotation
 * (docs/operations.md): two RSA key pairs, {@code current} and {@code next}, and a set holding the public keys named
 * by the {@value #MEMBERS} argument (comma separated). Points {@code mp.jwt.verify.publickey.location} at the file and
 * tells the test where the private keys are ({@code crosstenant.test.key-set.<name>.private} and {@code .kid}).
 */
public class GatewayKeySetResource implements QuarkusTestResourceLifecycleManager {

    /** The argument naming the keys in the set, e.g. {@code current,next}. */
    public static final String MEMBERS = "members";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private List<String> members = List.of();
    private Path dir;

    @Override
    public void init(Map<String, String> args) {
        members = List.of(args.getOrDefault(MEMBERS, "current").split(","));
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("crosstenant-key-set");
            Map<String, String> config = new HashMap<>();
            List<Map<String, String>> keys = new ArrayList<>();
            for (String name : List.of("current", "next")) {
                KeyPair pair = RsaKeys.generate();
                Path privatePem = dir.resolve(name + "-private.pem");
                RsaKeys.writePrivatePem(pair.getPrivate(), privatePem);
                String kid = RsaKeys.keyId(pair.getPublic());
                config.put("crosstenant.test.key-set." + name + ".private", privatePem.toString());
                config.put("crosstenant.test.key-set." + name + ".kid", kid);
                if (members.contains(name)) {
                    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
                    keys.add(Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", kid,
                            "n", b64(key.getModulus()), "e", b64(key.getPublicExponent())));
                }
            }
            Path jwks = dir.resolve("jwks.json");
            Files.writeString(jwks, new ObjectMapper().writeValueAsString(Map.of("keys", keys)));
            config.put("mp.jwt.verify.publickey.location", "file:" + jwks);
            config.put("mp.jwt.verify.issuer", FederatedTokens.ISSUER);
            config.put("mp.jwt.verify.audiences", FederatedTokens.AUDIENCE);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return B64URL.encodeToString(bytes);
    }
}
