package org.crosstenant.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.crosstenant.stack.infra.Directories;

/**
 * {@code deploy/run-local-stack.sh [--fresh] [--home DIR] [--postgres-url URL] [--port-base N] [--jvm small|production]
 * [--restart-crashed SECONDS]}: starts
 * the local stack, prints where everything is, and stops it all on Ctrl-C or SIGTERM.
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path repoRoot = Path.of("").toAbsolutePath();
        Path home = repoRoot.resolve(".local-stack");
        boolean fresh = false;
        String postgresUrl = System.getenv("CROSSTENANT_POSTGRES_URL");
        StackSettings.Ports ports = StackSettings.Ports.defaults();
        String jvmEnv = System.getenv("CROSSTENANT_STACK_JVM");
        StackSettings.JvmProfile jvm = StackSettings.JvmProfile.parse(jvmEnv == null || jvmEnv.isBlank() ? "small" : jvmEnv);
        java.time.Duration restartDelay = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fresh" -> fresh = true;
                case "--home" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--postgres-url" -> postgresUrl = args[++i];
                case "--port-base" -> ports = StackSettings.Ports.from(Integer.parseInt(args[++i]));
                case "--jvm" -> jvm = StackSettings.JvmProfile.parse(args[++i]);
                case "--restart-crashed" -> restartDelay = java.time.Duration.ofMillis(
                        Math.round(Double.parseDouble(args[++i]) * 1000));
                case "--help", "-h" -> {
                    System.out.println("usage: local-stack [--fresh] [--home DIR] [--postgres-url postgresql://user:password@host:port] [--port-base N]"
                            + " [--jvm small|production] [--restart-crashed SECONDS]");
                    System.out.println("  --fresh         wipe the stack's data (keeps downloads) and start from scratch");
                    System.out.println("  --home DIR      where data, keys and logs live (default .local-stack)");
                    System.out.println("  --postgres-url  use this PostgreSQL server instead of the embedded one");
                    System.out.println("  --port-base N   use ports N..N+10 instead of the documented ones (a second stack beside the first)");
                    System.out.println("  --jvm PROFILE   the services' JVM options: small (default; quick start, small footprint) or");
                    System.out.println("                  production (-Xms512m -Xmx512m -XX:+UseParallelGC, both JIT tiers; what the bench measures)");
                    System.out.println("  --restart-crashed S  start a service that exits on its own (crash, kill -9) again after S seconds");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (fresh) {
            wipeData(home);
        }
        StackSettings settings = new StackSettings(repoRoot, home, ports, postgresUrl, fresh, jvm, restartDelay);
        long begin = System.nanoTime();
        LocalStack stack = new LocalStack(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        // registered before anything starts, so Ctrl-C or SIGTERM during start-up stops what is already running too
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("[local-stack] stopping every process it started ...");
            stack.close();
            System.out.println("[local-stack] stopped");
            stopped.countDown();
        }, "local-stack-stop"));
        try {
            stack.bringUp(message -> System.out.println("[local-stack] " + message));
        } catch (RuntimeException e) {
            System.err.println("[local-stack] failed to start: " + e.getMessage() + " (logs in " + settings.logs() + ")");
            System.exit(1);
            return;
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        printSummary(settings, stack, seconds);
        stopped.await();
    }

    private static void printSummary(StackSettings settings, LocalStack stack, double seconds) {
        StackSettings.Ports ports = settings.ports();
        System.out.printf("""

                ==== cross-tenant collaboration suite: ready in %.1f s ====
                gateway (the only public entry)   %s
                  API                             %s/api/v1/...
                  shared applications             %s/apps/{tenant}/{app}/
                  federated identity keys         %s/.well-known/jwks.json
                Keycloak                          %s  (admin console: admin / admin-password)
                  issuers                         %s , %s
                contoso-projects (demo upstream)  %s  (reach it through the gateway)
                services (loopback only)          invitation :%d  policy :%d  audit :%d
                services' JVM options             %s%s
                Kafka                             %s
                PostgreSQL                        %s
                data, keys and logs               %s

                demo accounts (local stack only; token client: crosstenant-cli, password grant)
                  contoso   alice / alice-password   collab-admin
                  contoso   dave  / dave-password    collab-auditor
                  fabrikam  frank / frank-password   collab-admin
                  fabrikam  erin  / erin-password    collab-auditor
                  fabrikam  bob   / bob-password     (no role)
                  fabrikam  carol / carol-password   (no role)
                  fabrikam  client fabrikam-partner / fabrikam-partner-secret   collab-partner (client credentials)
                  fabrikam  client fabrikam-reports / fabrikam-reports-secret   (no role; a machine client, client credentials)

                memory (proportional set size of each process tree):
                """, seconds, settings.gatewayUrl(), settings.gatewayUrl(), settings.gatewayUrl(), settings.gatewayUrl(),
                settings.keycloakUrl(), settings.issuer("contoso"), settings.issuer("fabrikam"), settings.demoUpstreamUrl(),
                ports.invitation(), ports.policy(), ports.audit(),
                settings.jvm().name().toLowerCase(java.util.Locale.ROOT) + " " + settings.jvm().options(),
                settings.restartDelay() == null ? ""
                        : "; a crashed service is started again after " + settings.restartDelay().toMillis() + " ms",
                settings.kafkaBootstrap(),
                settings.postgresUrl() == null ? "embedded, 127.0.0.1:" + ports.postgres() : "external",
                settings.home());
        for (Map.Entry<String, ProcessHandle> entry : stack.processes().entrySet()) {
            System.out.printf("  %-20s %6d MB%n", entry.getKey(), ProcessMemory.residentMegabytes(entry.getValue()));
        }
        if (settings.postgresUrl() == null) {
            System.out.printf("  %-20s %6d MB%n", "postgresql",
                    ProcessMemory.residentMegabytesOfDetached("-D " + settings.home().resolve("postgres")));
        }
        System.out.printf("  %-20s %6d MB  (also serves the contoso-projects demo upstream)%n", "launcher",
                ProcessMemory.ownResidentMegabytes());
        System.out.println("\nPress Ctrl-C to stop everything.");
    }

    /** Removes PostgreSQL and Kafka data, keys and logs; Keycloak's realms are re-imported by its own fresh start. */
    private static void wipeData(Path home) {
        if (!Files.exists(home)) {
            return;
        }
        try (Stream<Path> entries = Files.list(home)) {
            for (Path entry : entries.toList()) {
                // Keycloak's unpacked distribution is a download worth keeping; its data is wiped at start (fresh)
                if (!entry.getFileName().toString().equals("keycloak")) {
                    Directories.delete(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
