package org.crosstenant.stack;

import java.nio.file.Path;

/**
 * Where the local stack keeps its data and which loopback ports it uses. The defaults are the documented local ports;
 * the end-to-end test uses free ports and a temporary home so it can run beside a running local stack.
 *
 * @param repoRoot     the checkout, where the built services are found
 * @param home         downloads, data, keys and logs ({@code .local-stack} by default); reused across starts
 * @param postgresUrl  an external PostgreSQL server ({@code postgresql://user:password@host:port}) or null for the
 *                     embedded one
 * @param fresh        start Keycloak from a freshly imported realm set (the launcher wipes the other data itself)
 */
public record StackSettings(Path repoRoot, Path home, Ports ports, String postgresUrl, boolean fresh) {

    /** Loopback ports of every component. */
    public record Ports(int gateway, int invitation, int policy, int audit, int demoUpstream, int keycloak,
                        int kafka, int kafkaController, int postgres) {

        public static Ports defaults() {
            return new Ports(8080, 8081, 8082, 8083, 8090, 8180, 9092, 9093, 15432);
        }

        public static Ports free() {
            return new Ports(free1(), free1(), free1(), free1(), free1(), free1(), free1(), free1(), free1());
        }

        private static int free1() {
            return org.crosstenant.stack.infra.FreePorts.pick();
        }
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + ports.gateway();
    }

    public String keycloakUrl() {
        return "http://127.0.0.1:" + ports.keycloak();
    }

    public String issuer(String tenant) {
        return keycloakUrl() + "/realms/" + tenant;
    }

    public String demoUpstreamUrl() {
        return "http://127.0.0.1:" + ports.demoUpstream();
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + ports.kafka();
    }

    public Path logs() {
        return home.resolve("logs");
    }
}
