package org.crosstenant.audit;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;

/**
 * A throw-away audit database on the tests' PostgreSQL server, next to the service's own: for tests that must write
 * what the service never would (old-style rows, pruned records) without touching the records other tests check.
 * Dropped on {@link #close()}.
 */
final class ScratchDatabase implements AutoCloseable {

    final String name = "audit_scratch_" + UUID.randomUUID().toString().replace("-", "");
    final String url;
    private final String user;
    private final String password;

    ScratchDatabase() throws SQLException {
        try (Connection admin = AuditDatabase.connect(); Statement s = admin.createStatement()) {
            s.execute("create database " + name);
        }
        var config = ConfigProvider.getConfig();
        String mainUrl = config.getValue("quarkus.datasource.jdbc.url", String.class);
        url = mainUrl.substring(0, mainUrl.lastIndexOf('/') + 1) + name;
        user = config.getValue("quarkus.datasource.username", String.class);
        password = config.getValue("quarkus.datasource.password", String.class);
    }

    /** Applies the service's migrations up to {@code version} (all of them when null). */
    void migrate(String version) {
        var flyway = Flyway.configure().dataSource(url, user, password)
                .locations("filesystem:src/main/resources/db/migration");
        (version == null ? flyway : flyway.target(version)).load().migrate();
    }

    Connection connect() throws SQLException {
        return AuditDatabase.connect(url);
    }

    /** A reactive pool on this database (close it before {@link #close()}). */
    Pool pool(Vertx vertx) {
        URI uri = URI.create(url.substring("jdbc:".length()));
        io.vertx.sqlclient.Pool core = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(uri.getHost())
                .setPort(uri.getPort()).setDatabase(name).setUser(user).setPassword(password)).using(vertx).build();
        return Pool.newInstance(core);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = AuditDatabase.connect(); Statement s = admin.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
        }
    }
}
