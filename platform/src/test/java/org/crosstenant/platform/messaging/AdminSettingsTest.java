package org.crosstenant.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The platform's Admin client (topic provisioning, the gateway's view-topic check) connects the way the service's
 * channels do: on a secured listener (Strimzi's SCRAM one, docs/operations.md) it must get the {@code kafka.*}
 * security settings, and only settings the Admin client knows.
 */
class AdminSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"audit-service\" password=\"secret\";";

    @Test
    void securitySettingsReachTheAdminClientAndOthersDoNot() {
        Properties props = TopicProvisioner.adminProperties("kafka:9092",
                Map.of("bootstrap.servers", "elsewhere:1", "security.protocol", "SASL_PLAINTEXT",
                        "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                        "group.id", "audit-service", "value.deserializer", "x.Y"),
                "audit-service-topic-provisioning", Duration.ofSeconds(30));

        assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals(JAAS, props.get("sasl.jaas.config"));
        assertEquals("kafka:9092", props.get("bootstrap.servers"), "the explicit broker list wins");
        assertEquals("audit-service-topic-provisioning", props.get("client.id"));
        assertFalse(props.containsKey("group.id"), "a consumer setting is no Admin setting");
        assertFalse(props.containsKey("value.deserializer"));
    }

    @Test
    void aSettingGivenEmptyIsLeftOut() {
        Properties props = TopicProvisioner.adminProperties("kafka:9092",
                Map.of("security.protocol", "", "sasl.mechanism", "  "), "check", Duration.ofSeconds(5));
        assertFalse(props.containsKey("security.protocol"));
        assertFalse(props.containsKey("sasl.mechanism"));
    }

    @Test
    void withoutSettingsOnlyTheBrokerListAndTimeouts() {
        Properties props = TopicProvisioner.adminProperties("kafka:9092", Map.of(), "check", Duration.ofSeconds(5));
        assertEquals(Map.of("bootstrap.servers", "kafka:9092", "client.id", "check",
                "default.api.timeout.ms", 5000, "request.timeout.ms", 5000), Map.copyOf(props));
    }
}
