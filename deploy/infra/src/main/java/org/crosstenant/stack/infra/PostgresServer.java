package org.crosstenant.stack.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky's embedded binaries, started with pg_ctl as a child process) or an external server
 * reached by host and port. Either way every service gets its own database owned by the {@code crosstenant} role.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DEFAULT_USER = "crosstenant";
    public static final String DEFAULT_PASSWORD = "crosstenant";

    private static final Logger LOG = Logger.getLogger(PostgresServer.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern ROLE_NAME = DATABASE_NAME;

    private final EmbeddedPostgres embedded;
    private final Path tempDir;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String adminUser;
    private final String adminPassword;
    private final Duration startTime;

    private PostgresServer(EmbeddedPostgres embedded, Path tempDir, String host, int port, String username,
            String password, String adminUser, String adminPassword, Duration startTime) {
        this.embedded = embedded;
        this.tempDir = tempDir;
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.startTime = startTime;
    }

    /**
     * Starts an embedded server on 127.0.0.1 and makes sure the {@code crosstenant} login role exists.
     *
     * @param dataDir a persistent data directory, initialised on first use and reused afterwards; {@code null} for a
     *                throw-away one that is deleted on {@link #close()}
     * @param port    the port to listen on; 0 picks a free one
     */
    public static PostgresServer start(Path dataDir, int port) {
        long started = System.nanoTime();
        int chosenPort = port == 0 ? FreePorts.pick() : port;
        if (FreePorts.inUse(chosenPort)) {
            throw new IllegalStateException("PostgreSQL port " + chosenPort + " is already in use");
        }
        Path tempDir = null;
        try {
            Path data;
            String log;
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(chosenPort)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // the C locale works with UTF-8 on every machine, whatever locales it has installed
                    .setLocaleConfig("locale", "C")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            if (dataDir == null) {
                // under zonky's working directory: if this JVM is killed, the next run stops the orphaned postmaster
                // and deletes its data (zonky cleans directories there whose lock is stale)
                tempDir = zonkyWorkingDirectory().resolve("crosstenant-" + UUID.randomUUID());
                data = tempDir;
                log = "test output";
                builder.setDataDirectory(data).setCleanDataDirectory(true);
            } else {
                data = dataDir.toAbsolutePath();
                Files.createDirectories(data);
                Path logFile = data.resolveSibling(data.getFileName() + ".log");
                log = logFile.toString();
                builder.setDataDirectory(data)
                        .setCleanDataDirectory(false)
                        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            }
            if (dataDir != null) {
                // zonky turns synchronous_commit off for tests; a local stack that restarts keeps acknowledged commits
                builder.setServerConfig("synchronous_commit", "on");
            }
            EmbeddedPostgres embedded = builder.start();
            PostgresServer server = new PostgresServer(embedded, tempDir, "127.0.0.1", chosenPort, DEFAULT_USER,
                    DEFAULT_PASSWORD, "postgres", null, Duration.ofNanos(System.nanoTime() - started));
            try {
                server.ensureRole();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.infof("PostgreSQL ready on 127.0.0.1:%d in %d ms (data %s, log %s)", chosenPort,
                    server.startTime.toMillis(), data, log);
            return server;
        } catch (IOException e) {
            if (!Directories.deleteQuietly(tempDir)) {
                LOG.debugf("could not delete %s", tempDir);
            }
            throw new UncheckedIOException("cannot start PostgreSQL on port " + chosenPort, e);
        }
    }

    /**
     * An already running server (e.g. a managed PostgreSQL). {@code user} must be allowed to create databases; the
     * services then use the same credentials.
     */
    public static PostgresServer external(String host, int port, String user, String password) {
        return new PostgresServer(null, null, host, port, user, password, user, password, Duration.ZERO);
    }

    /** Creates the database owned by {@link #username()} unless it exists; safe to call concurrently and repeatedly. */
    public void ensureDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = admin("postgres")) {
            if (exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                // names are checked against DATABASE_NAME/ROLE_NAME above, so quoting them is enough
                statement.execute("CREATE DATABASE \"" + name + "\" OWNER \"" + username + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: someone else was quicker
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + host + ":" + port, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The form Quarkus' reactive PostgreSQL client takes in {@code quarkus.datasource.reactive.url}. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** Wall-clock time from {@link #start} to ready (initdb included on first use); zero for an external server. */
    public Duration startTime() {
        return startTime;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** Stops an embedded server (pg_ctl stop -m fast) and deletes a throw-away data directory; no-op when external. */
    @Override
    public String toString() {
        return isEmbedded() ? "PostgreSQL" : "PostgreSQL connection";
    }

    @Override
    public void close() {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            LOG.warnf(e, "PostgreSQL on port %d did not stop cleanly", port);
        } finally {
            if (!Directories.deleteQuietly(tempDir)) {
                LOG.debugf("could not delete %s", tempDir);
            }
        }
    }

    private void ensureRole() {
        if (!ROLE_NAME.matcher(username).matches() || password.contains("'")) {
            throw new IllegalArgumentException("unsupported role name or password");
        }
        try (Connection connection = admin("postgres")) {
            if (exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", username)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE ROLE \"" + username + "\" LOGIN CREATEDB PASSWORD '" + password + "'");
            } catch (SQLException e) {
                if (!"42710".equals(e.getSQLState())) { // duplicate_object
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create role " + username, e);
        }
    }

    private Connection admin(String database) throws SQLException {
        // the driver directly: DriverManager only sees drivers of the caller's class loader, which in a Quarkus
        // test run is not always the one that loaded this class
        Properties properties = new Properties();
        properties.setProperty("user", adminUser);
        if (adminPassword != null) {
            properties.setProperty("password", adminPassword);
        }
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl(database), properties);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver refused " + jdbcUrl(database));
        }
        return connection;
    }

    private static boolean exists(Connection connection, String sql, String value) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, value);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Path zonkyWorkingDirectory() {
        return Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
    }
}
