package org.crosstenant.stack.infra.testing;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A String deserializer that fails on values starting with {@link #TRIGGER} (UTF-8) with a
 * {@link SerializationException}; any other value, and null, is returned as {@link StringDeserializer} would. With
 * {@code fail-on-deserialization-failure=true} SmallRye then closes the channel's consumer for good, which is how a
 * test stops a consumer on purpose to see readiness turn DOWN.
 */
public class ExplodingDeserializer extends StringDeserializer {

    public static final String TRIGGER = "EXPLODE";

    /**
     * The config overrides (for a {@code QuarkusTestProfile}) that give an incoming SmallRye Kafka channel this
     * deserializer and make its failures fatal (no deserialization failure handler), so that one {@link #TRIGGER}
     * record stops the channel for good.
     *
     * @param channel the incoming channel's name
     * @return the overrides; the dead-letter producer (if the channel has one) keeps a String serializer, which
     *         SmallRye would otherwise derive from this class's name
     */
    public static java.util.Map<String, String> fatalOn(String channel) {
        String prefix = "mp.messaging.incoming." + channel + ".";
        return java.util.Map.of(prefix + "value.deserializer", ExplodingDeserializer.class.getName(),
                prefix + "fail-on-deserialization-failure", "true",
                // the services' channels name a failure handler (platform's strict-utf8), which would turn the
                // failure into a null value and a dead letter; an empty value unsets it, so the failure is fatal
                prefix + "value-deserialization-failure-handler", "",
                prefix + "dead-letter-queue.value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    }

    @Override
    public String deserialize(String topic, byte[] data) {
        String value = super.deserialize(topic, data);
        if (value != null && value.startsWith(TRIGGER)) {
            throw new SerializationException("test deserializer refuses " + value);
        }
        return value;
    }
}
