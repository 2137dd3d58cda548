package org.crosstenant.stack.infra.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Lets a service verify federated tokens in {@code @QuarkusTest}s exactly as in production (quarkus-smallrye-jwt,
 * RS256, issuer and audience checked): {@code @QuarkusTestResource(FederatedIdentityTestResource.class)}, then send
 * {@code Authorization: Bearer } + {@link FederatedTokens#token}.
 */
public class FederatedIdentityTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Path publicPem = FederatedTokens.keys().publicPem().toAbsolutePath();
        String pem;
        try {
            pem = Files.readString(publicPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "mp.jwt.verify.publickey.location", "file:" + publicPem,
                // also the key itself: when an application configures no key location at build time, smallrye-jwt's
                // dev/test mode injects an in-memory mp.jwt.verify.publickey, which would win over any location
                "mp.jwt.verify.publickey", pem,
                "mp.jwt.verify.issuer", FederatedTokens.ISSUER,
                "mp.jwt.verify.audiences", FederatedTokens.AUDIENCE);
    }

    @Override
    public void stop() {
        // the key pair lives as long as the JVM: tokens signed by any test class stay verifiable
    }
}
