package org.crosstenant.stack.infra.testing;

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
        return Map.of(
                "mp.jwt.verify.publickey.location", "file:" + FederatedTokens.keys().publicPem().toAbsolutePath(),
                "mp.jwt.verify.issuer", FederatedTokens.ISSUER,
                "mp.jwt.verify.audiences", FederatedTokens.AUDIENCE);
    }

    @Override
    public void stop() {
        // the key pair lives as long as the JVM: tokens signed by any test class stay verifiable
    }
}
