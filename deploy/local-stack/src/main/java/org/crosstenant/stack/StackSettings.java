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
 * @param jvm          the JVM options the four services run with ({@link JvmProfile#SMALL} by default)
 * @param restartDelay when not null, a service that exits on its own (a crash, {@code kill -9}) is started again with
 *                     the same command after this delay, as a container orchestrator would; null: it stays down
 */
public record StackSettings(Path repoRoot, Path home, Ports ports, String postgresUrl, boolean fresh, JvmProfile jvm,
                            java.time.Duration restartDelay) {

    /** The defaults of the end-to-end test and of a plain start: small-footprint JVMs, no restarts. */
    public StackSettings(Path repoRoot, Path home, Ports ports, String postgresUrl, boolean fresh) {
        this(repoRoot, home, ports, postgresUrl, fresh, JvmProfile.SMALL, null);
    }

    /**
     * JVM options of the services. {@code SMALL}: quick start and small footprint so that four services share two
     * cores and a laptop's memory (C1 only, serial collector, 256 MB heap at most). {@code PRODUCTION}: what a
     * production deployment runs and what the bench measures (both JIT tiers, parallel collector, fixed 512 MB heap).
     */
    public enum JvmProfile {
        SMALL(java.util.List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
        PRODUCTION(java.util.List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"));

        private final java.util.List<String> options;

        JvmProfile(java.util.List<String> options) {
            this.options = options;
        }

        /** The JVM options (heap, collector, JIT tiers) passed before {@code -jar}. */
        public java.util.List<String> options() {
            return options;
        }

        /** {@code small} or {@code production} (case-insensitive). @throws IllegalArgumentException otherwise */
        public static JvmProfile parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "small" -> SMALL;
                case "production" -> PRODUCTION;
                default -> throw new IllegalArgumentException("--jvm takes small or production, not " + name);
            };
        }
    }

    /** Loopback ports of every component. */
    public record Ports(int gateway, int invitation, int policy, int audit, int demoUpstream, int keycloak,
                        int kafka, int kafkaController, int postgres, int witnessContoso, int witnessFabrikam) {

        public static Ports defaults() {
            return new Ports(8080, 8081, 8082, 8083, 8090, 8180, 9092, 9093, 15432, 8191, 8192);
        }

        /**
         * Consecutive ports from {@code base}: gateway, invitation, policy, audit, demo upstream, Keycloak, Kafka,
         * Kafka controller, PostgreSQL, contoso's and fabrikam's witness ({@code base} .. {@code base + 10}); for a
         * second stack beside the default one.
         *
         * @throws IllegalArgumentException when the range leaves 1024..65535
         */
        public static Ports from(int base) {
            if (base < 1024 || base + 10 > 65535) {
                throw new IllegalArgumentException("--port-base must leave base..base+10 within 1024..65535");
            }
            return new Ports(base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8,
                    base + 9, base + 10);
        }

        public static Ports free() {
            return new Ports(free1(), free1(), free1(), free1(), free1(), free1(), free1(), free1(), free1(), free1(),
                    free1());
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

    /**
     * @param tenant {@code contoso} or {@code fabrikam}
     * @return the submission prefix of that tenant's witness of the audit log (C2SP tlog-witness)
     * @throws IllegalArgumentException for another tenant
     */
    public String witnessUrl(String tenant) {
        return "http://127.0.0.1:" + switch (tenant) {
            case "contoso" -> ports.witnessContoso();
            case "fabrikam" -> ports.witnessFabrikam();
            default -> throw new IllegalArgumentException("the local stack runs witnesses for contoso and fabrikam");
        };
    }

    /**
     * The vkey that verifies a tenant's witness cosignatures (its key is made once per stack home, at the stack's
     * first start, in {@code <home>/keys/witness-<tenant>.skey}).
     *
     * @param tenant {@code contoso} or {@code fabrikam}
     * @return {@code <name>+<key ID>+<base64(0x04 || public key)>}
     */
    public String witnessVkey(String tenant) {
        witnessUrl(tenant); // refuses another tenant
        return LocalStack.witnessVkey(home.resolve("keys"), tenant);
    }

    public Path logs() {
        return home.resolve("logs");
    }

    /** Where the launcher writes {@code stack.properties} and one {@code <component>.pid} per service (for the bench). */
    public Path run() {
        return home.resolve("run");
    }
}
