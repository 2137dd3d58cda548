package org.crosstenant.policy.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;

/**
 * Default of {@code policy.instance-id}: the host name ({@code HOSTNAME}, else the local host's name, else
 * {@code policy-service}), with the lowest precedence (ordinal 50), so application.properties, system properties and
 * the {@code POLICY_INSTANCE_ID} environment variable override it. The id makes each Kafka consumer a static group
 * member ({@code group.instance.id = <instance-id>-<channel>}); two instances of one group must never share it.
 */
public class InstanceIdConfigSource implements ConfigSource {

    public static final String PROPERTY = "policy.instance-id";
    private final Map<String, String> values = Map.of(PROPERTY, hostName());

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name;
            }
        } catch (UnknownHostException e) {
            // fall through to the constant
        }
        return "policy-service";
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "policy-instance-id-default";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
