package org.crosstenant.policy;

import org.crosstenant.stack.infra.testing.FederatedTokens;

import java.util.UUID;

/** Helpers shared by the @QuarkusTests: unique tenant ids (one database per JVM) and federated tokens. */
final class TestStack {

    private TestStack() {
    }

    /** A fresh tenant id, so test classes sharing the database never see each other's settings. */
    static String tenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String adminOf(String tenant) {
        return "Bearer " + FederatedTokens.token(tenant, "admin-of-" + tenant, "admin@" + tenant + ".example",
                "collab-admin");
    }

    static String memberOf(String tenant, String... roles) {
        return "Bearer " + FederatedTokens.token(tenant, "member-of-" + tenant, "member@" + tenant + ".example", roles);
    }
}
