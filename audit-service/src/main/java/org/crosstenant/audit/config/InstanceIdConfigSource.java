package org.crosstenant.audit.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the default of {@code audit.consumer.instance-id}: {@code audit-service-<host name>} (the host name from
 * {@code HOSTNAME}, else the local host's name, reduced to {@code [a-z0-9.-]}). The Kafka consumers' static group
 * membership ({@code group.instance.id = <instance-id>-<channel>}) is built from it, so a restarted instance on the
 * same host (a Kubernetes pod keeps its name in a StatefulSet) takes its partitions back at once.
 * <p>
 * Ordinal 50: below application.properties (250) and environment variables (300), which override it.
 */
public class InstanceIdConfigSource implements ConfigSource {

    public static final String PROPERTY = "audit.consumer.instance-id";

    private final Map<String, String> properties = Map.of(PROPERTY, "audit-service-" + hostName());

    static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException | RuntimeException e) {
                name = "localhost";
            }
        }
        String cleaned = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        return cleaned.isBlank() ? "localhost" : cleaned;
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "audit-instance-id";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
