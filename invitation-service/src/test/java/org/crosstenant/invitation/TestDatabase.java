package org.crosstenant.invitation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.eclipse.microprofile.config.ConfigProvider;

/** A plain JDBC connection to the service's test database, for tests that stage or read rows directly. */
final class TestDatabase {

    private TestDatabase() {
    }

    /** @return a new connection (the caller closes it), with the datasource's configured URL and credentials */
    static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }
}
