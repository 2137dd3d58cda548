package org.crosstenant.stack.infra.testing;

import java.util.Map;

import org.crosstenant.stack.infra.PostgresServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL database for {@code @QuarkusTest}s:
 * {@code @QuarkusTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "policy"))}.
 * <p>
 * One throw-away server per test JVM (fresh data every run), stopped when the JVM exits; one database per
 * {@code database} argument, owned by {@code crosstenant}. Set {@code -Dcrosstenant.test.postgres.port} to use an
 * already running server on 127.0.0.1 whose {@code crosstenant}/{@code crosstenant} role may create databases.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";
    /** Where the running server's port is published for other class loaders. */
    public static final String PORT_PROPERTY = "crosstenant.test.postgres.port";

    private String database = "test";

    @Override
    public void init(Map<String, String> initArgs) {
        String configured = initArgs.get(DATABASE_ARG);
        if (configured != null && !configured.isBlank()) {
            database = configured;
        }
    }

    @Override
    public Map<String, String> start() {
        PostgresServer server = server();
        server.ensureDatabase(database);
        return Map.of(
                "quarkus.datasource.reactive.url", server.reactiveUrl(database),
                "quarkus.datasource.jdbc.url", server.jdbcUrl(database),
                "quarkus.datasource.username", server.username(),
                "quarkus.datasource.password", server.password());
    }

    @Override
    public void stop() {
        // the server outlives the test class on purpose; a JVM shutdown hook stops it
    }

    /** The shared server, started on first use in this JVM. */
    public static PostgresServer server() {
        synchronized (PostgresTestResource.class) {
            String running = JvmShared.get(PORT_PROPERTY);
            if (running != null) {
                return PostgresServer.external("127.0.0.1", Integer.parseInt(running), PostgresServer.DEFAULT_USER,
                        PostgresServer.DEFAULT_PASSWORD);
            }
            PostgresServer server = PostgresServer.start(null, 0);
            JvmShared.onJvmExit("crosstenant-postgres-stop", server::close);
            JvmShared.set(PORT_PROPERTY, Integer.toString(server.port()));
            return server;
        }
    }
}
